/**
 * The store's tokens, checked as Vercel checks them: the read-write token
 * (`vercel_blob_rw_<storeId>_<secret>`) and client tokens signed with it, and the signature of the
 * upload-completed callback. OIDC tokens are a production-only path and are refused.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { forbidden, ProtocolError, storeNotFound } from "./errors.ts";

/** What a client token carries (generateClientTokenFromReadWriteToken in @vercel/blob/client). */
export interface ClientTokenPayload {
  pathname: string;
  validUntil: number;
  allowedContentTypes?: string[];
  maximumSizeInBytes?: number;
  addRandomSuffix?: boolean;
  allowOverwrite?: boolean;
  cacheControlMaxAge?: number;
  ifMatch?: string;
  onUploadCompleted?: { callbackUrl: string; tokenPayload?: string | null };
}

/** Who a request speaks for: the store's owner, or a browser holding a client token. */
export type Auth = { kind: "read-write" } | { kind: "client"; payload: ClientTokenPayload };

export function hmacHex(key: string, data: string): string {
  return createHmac("sha256", key).update(data).digest("hex");
}

/** String equality in constant time, for secrets and signatures. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * `vercel_blob_rw_<storeId>_<secret>` → storeId, the way the SDK reads it.
 *
 * @example storeIdFromToken("vercel_blob_rw_abc_secret") // "abc"
 */
export function storeIdFromToken(token: string): string {
  return token.split("_")[3] ?? "";
}

/** The bearer token of a request, or "" when there is none. */
export function bearerToken(request: Request): string {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
}

/**
 * Checks a client token the way Vercel does: `vercel_blob_client_<storeId>_<base64(hmac.payload)>`,
 * where payload is base64(JSON) and hmac = HMAC-SHA256 hex of that base64 text, keyed by the
 * read-write token. Returns the payload, or throws the error the service answers with.
 */
export function verifyClientToken(token: string, readWriteToken: string, now: number): ClientTokenPayload {
  const storeId = storeIdFromToken(readWriteToken);
  const prefix = `vercel_blob_client_${storeId}_`;
  if (!token.startsWith(prefix)) {
    if (token.startsWith("vercel_blob_client_")) throw storeNotFound();
    throw forbidden();
  }
  const decoded = Buffer.from(token.slice(prefix.length), "base64").toString("utf8");
  const dot = decoded.indexOf(".");
  if (dot < 0) throw forbidden();
  const signature = decoded.slice(0, dot);
  const encodedPayload = decoded.slice(dot + 1);
  if (!safeEqual(signature, hmacHex(readWriteToken, encodedPayload))) throw forbidden();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encodedPayload, "base64").toString("utf8"));
  } catch {
    throw forbidden();
  }
  if (!isClientTokenPayload(payload))
    throw forbidden("Access denied: the client token payload is malformed.");
  // The SDK turns exactly this message into BlobClientTokenExpiredError.
  if (now > payload.validUntil) throw new ProtocolError(403, "forbidden", "Token expired");
  return payload;
}

function isClientTokenPayload(value: unknown): value is ClientTokenPayload {
  if (typeof value !== "object" || value === null) return false;
  const p = value as Record<string, unknown>;
  const optional = (key: string, type: string) => p[key] === undefined || typeof p[key] === type;
  const callback = p.onUploadCompleted as Record<string, unknown> | undefined | null;
  return (
    typeof p.pathname === "string" &&
    typeof p.validUntil === "number" &&
    (p.allowedContentTypes === undefined ||
      (Array.isArray(p.allowedContentTypes) && p.allowedContentTypes.every((t) => typeof t === "string"))) &&
    optional("maximumSizeInBytes", "number") &&
    optional("addRandomSuffix", "boolean") &&
    optional("allowOverwrite", "boolean") &&
    optional("cacheControlMaxAge", "number") &&
    optional("ifMatch", "string") &&
    (callback === undefined ||
      (typeof callback === "object" && callback !== null && typeof callback.callbackUrl === "string"))
  );
}

/** Who sent the request: the read-write token, or a valid client token of this store. */
export function authenticate(request: Request, readWriteToken: string, now: number): Auth {
  const token = bearerToken(request);
  if (token === "") throw forbidden();
  if (token.startsWith("vercel_blob_rw_")) {
    if (storeIdFromToken(token) !== storeIdFromToken(readWriteToken)) throw storeNotFound();
    if (!safeEqual(token, readWriteToken)) throw forbidden();
    return { kind: "read-write" };
  }
  if (token.startsWith("vercel_blob_client_")) {
    return { kind: "client", payload: verifyClientToken(token, readWriteToken, now) };
  }
  // OIDC tokens (x-vercel-blob-store-id + a Vercel OIDC JWT) are a production-only path.
  throw forbidden(
    "Access denied: only the read-write token and client tokens are accepted here (OIDC is not implemented).",
  );
}

/** Operations other than uploads need the read-write token. */
export function requireReadWrite(auth: Auth, operation: string): void {
  if (auth.kind !== "read-write") {
    throw new ProtocolError(
      403,
      "client_token_not_allowed",
      `${operation} is not available when using a client token. Use a read\u2013write or OIDC token on the server.`,
    );
  }
}

/** The `x-vercel-signature` of an upload-completed callback: HMAC-SHA256 hex of the raw body, keyed by the read-write token. */
export function signCallbackBody(body: string, readWriteToken: string): string {
  return hmacHex(readWriteToken, body);
}

/**
 * A content type against a token's allowed list: exact types and `type/*` wildcards, parameters ignored.
 *
 * @example contentTypeAllowed("image/png", ["image/*", "application/pdf"]) // true
 */
export function contentTypeAllowed(contentType: string, allowed: readonly string[]): boolean {
  const bare = (t: string) => (t.split(";")[0] ?? "").trim().toLowerCase();
  const ct = bare(contentType);
  const [type] = ct.split("/");
  return allowed.some((a) => {
    const rule = bare(a);
    return rule === ct || rule === "*/*" || rule === `${type}/*`;
  });
}
