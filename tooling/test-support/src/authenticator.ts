/**
 * A software WebAuthn authenticator (ES256, "none" attestation), so passkey sign-up and sign-in can
 * be tested without a browser: it answers the options Better Auth's passkey endpoints give with
 * the responses a platform authenticator would send.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";

interface Credential {
  privateKey: KeyObject;
  userHandle: string;
  counter: number;
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest();
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

export interface RegistrationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string };
}

export interface AuthenticationOptions {
  challenge: string;
  rpId?: string;
}

/** One authenticator, holding the credentials it made; `origin` is the page it believes it is on. */
export function softAuthenticator(origin: string) {
  const credentials = new Map<string, Credential>();
  const rpIdOf = (id: string | undefined) => id ?? new URL(origin).hostname;
  return {
    credentials,
    /** The answer to navigator.credentials.create() for these options. */
    register(options: RegistrationOptions) {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const jwk = publicKey.export({ format: "jwk" });
      const credentialId = randomBytes(16);
      const cose = new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x ?? "", "base64url")],
        [-3, Buffer.from(jwk.y ?? "", "base64url")],
      ]);
      const authData = Buffer.concat([
        sha256(rpIdOf(options.rp.id)),
        Buffer.from([0x45]), // user present, user verified, attested credential data
        u32(0),
        Buffer.alloc(16), // AAGUID
        u16(credentialId.length),
        credentialId,
        Buffer.from(isoCBOR.encode(cose)),
      ]);
      const attestation = isoCBOR.encode(
        new Map<string, unknown>([
          ["fmt", "none"],
          ["attStmt", new Map()],
          ["authData", new Uint8Array(authData)],
        ]) as Parameters<typeof isoCBOR.encode>[0],
      );
      const clientData = JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin });
      const id = credentialId.toString("base64url");
      credentials.set(id, { privateKey, userHandle: options.user.id, counter: 0 });
      return {
        id,
        rawId: id,
        type: "public-key",
        authenticatorAttachment: "platform",
        clientExtensionResults: {},
        response: {
          clientDataJSON: Buffer.from(clientData).toString("base64url"),
          attestationObject: Buffer.from(attestation).toString("base64url"),
          transports: ["internal"],
        },
      };
    },
    /** The answer to navigator.credentials.get() with the first (or the named) credential. */
    authenticate(options: AuthenticationOptions, credentialId?: string) {
      const id = credentialId ?? [...credentials.keys()][0];
      const credential = id ? credentials.get(id) : undefined;
      if (!id || !credential) throw new Error("this authenticator holds no such credential");
      credential.counter += 1;
      const authData = Buffer.concat([
        sha256(rpIdOf(options.rpId)),
        Buffer.from([0x05]),
        u32(credential.counter),
      ]);
      const clientData = Buffer.from(
        JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin }),
      );
      const signature = sign("sha256", Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
      return {
        id,
        rawId: id,
        type: "public-key",
        authenticatorAttachment: "platform",
        clientExtensionResults: {},
        response: {
          clientDataJSON: clientData.toString("base64url"),
          authenticatorData: authData.toString("base64url"),
          signature: signature.toString("base64url"),
          userHandle: credential.userHandle,
        },
      };
    },
  };
}
