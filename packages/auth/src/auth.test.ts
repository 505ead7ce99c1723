import { connectPostgres, type Database } from "@repo/db/database";
import { openLocalDatabase } from "@repo/db/local";
import { migrateToLatest } from "@repo/db/migrate";
import { softAuthenticator } from "@repo/test-support/authenticator";
import { type CookieClient, cookieClient } from "@repo/test-support/cookie-client";
import { createTestDatabase } from "@repo/test-support/postgres";
import { getMigrations } from "better-auth/db/migration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, createAuth } from "./auth.ts";
import { handleAuthRequest } from "./handler.ts";
import { createSessionCheck, type SessionCheck } from "./session.ts";

const ORIGIN = "http://localhost:3000";
const SECRET = "a-test-secret-of-more-than-thirty-two-characters";

// Better Auth over each engine: the embedded PGlite and a PostgreSQL server, as production uses it.
const engines: [string, () => Promise<{ database: Database; done: () => Promise<void> }>][] = [
  [
    "PGlite",
    async () => {
      const database = await openLocalDatabase("memory://");
      return { database, done: () => database.destroy() };
    },
  ],
  [
    "PostgreSQL",
    async () => {
      const server = await createTestDatabase("auth");
      const database = connectPostgres(server.url);
      await migrateToLatest(database.db);
      return { database, done: () => database.destroy().then(server.drop) };
    },
  ],
];

describe.each(engines)("on %s", (_name, open) => {
  let database: Database;
  let done: () => Promise<void>;
  let auth: Auth;
  let check: SessionCheck;
  const deleted: string[] = [];
  beforeAll(async () => {
    ({ database, done } = await open());
    auth = createAuth({
      db: database.db,
      baseURL: ORIGIN,
      secret: SECRET,
      deleteUserData: async (userId) => {
        deleted.push(userId);
      },
      // These tests sign up many accounts from one address; the limit has a test of its own.
      rateLimits: { signIn: { max: 1000, windowSeconds: 60 } },
    });
    check = createSessionCheck(auth, database.db);
  });
  afterAll(() => done?.());

  const device = () => cookieClient(ORIGIN, (request) => handleAuthRequest(auth, request));
  const signUp = async (email: string, client = device()) => {
    const res = await client.call("POST", "/api/auth/sign-up/email", {
      email,
      name: "Test",
      password: "correct horse battery",
    });
    expect(res.status).toBe(200);
    return client;
  };
  const who = (client: CookieClient) => check(new Headers({ cookie: client.cookieHeader() }));

  it("finds its schema complete: the migrations hold every table and column Better Auth needs", async () => {
    const { toBeCreated, toBeAdded } = await getMigrations(auth.options);
    expect(toBeCreated).toEqual([]);
    expect(toBeAdded).toEqual([]);
  });

  it("signs up with email and password into an HttpOnly, SameSite=Lax session cookie", async () => {
    const client = device();
    const res = await client.call("POST", "/api/auth/sign-up/email", {
      email: "Ada@Example.com",
      name: "Ada",
      password: "correct horse battery",
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect(await who(client)).toMatchObject({ email: "ada@example.com", name: "Ada" });
  });

  it("marks cookies Secure (and __Secure-) when the app is served over https", async () => {
    const secure = createAuth({ db: database.db, baseURL: "https://app.example.com", secret: SECRET });
    const res = await secure.handler(
      new Request("https://app.example.com/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://app.example.com" },
        body: JSON.stringify({ email: "sec@example.com", name: "S", password: "correct horse battery" }),
      }),
    );
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.includes("session_token="));
    expect(cookie).toMatch(/^__Secure-better-auth\.session_token=/);
    expect(cookie).toMatch(/; Secure/i);
  });

  it("refuses a short password, a taken email and a wrong password", async () => {
    await signUp("taken@example.com");
    const client = device();
    const short = await client.call("POST", "/api/auth/sign-up/email", {
      email: "short@example.com",
      name: "S",
      password: "short",
    });
    expect(short.status).toBe(400);
    const taken = await client.call("POST", "/api/auth/sign-up/email", {
      email: "taken@example.com",
      name: "T",
      password: "correct horse battery",
    });
    expect(taken.status).toBe(422);
    const wrong = await client.call("POST", "/api/auth/sign-in/email", {
      email: "taken@example.com",
      password: "not the password",
    });
    expect(wrong.status).toBe(401);
    expect(await who(client)).toBeNull();
  });

  it("checks a session exactly as Better Auth does: valid, tampered, forged, expired, revoked", async () => {
    const client = await signUp("check@example.com");
    const name = "better-auth.session_token";
    const value = decodeURIComponent(client.cookies.get(name) ?? "");
    const [token = "", signature = ""] = value.split(".");
    const variants: Record<string, string> = {
      valid: client.cookieHeader(),
      "tampered signature": `${name}=${encodeURIComponent(`${token}.${"A".repeat(43)}=`)}`,
      "another token, its signature": `${name}=${encodeURIComponent(`${"x".repeat(token.length)}.${signature}`)}`,
      "no signature": `${name}=${token}`,
      "among other cookies": `theme=dark; ${client.cookieHeader()}; other=1`,
      "not URL-encoded right": `${name}=%E0%A4%A`,
    };
    for (const [what, cookie] of Object.entries(variants)) {
      const headers = new Headers({ cookie });
      const theirs = await auth.api.getSession({ headers, query: { disableCookieCache: true } });
      const ours = await check(headers);
      expect(ours?.id ?? null, what).toBe(theirs?.user.id ?? null);
      expect(ours?.sessionId ?? null, what).toBe(theirs?.session.id ?? null);
    }
    expect(await check(new Headers({ cookie: client.cookieHeader() }))).not.toBeNull();

    await database.db
      .updateTable("session")
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where("token", "=", token)
      .execute();
    const expired = new Headers({ cookie: client.cookieHeader() });
    expect(await check(expired)).toBeNull();
    expect(await auth.api.getSession({ headers: expired, query: { disableCookieCache: true } })).toBeNull();
  });

  it("offers GitHub sign-in only when its OAuth app is configured", async () => {
    const withGitHub = createAuth({
      db: database.db,
      baseURL: ORIGIN,
      secret: SECRET,
      github: { clientId: "gh-client-id", clientSecret: "gh-client-secret" },
    });
    const start = (a: Auth) =>
      cookieClient(ORIGIN, (request) => handleAuthRequest(a, request)).call(
        "POST",
        "/api/auth/sign-in/social",
        {
          provider: "github",
          callbackURL: "/files",
        },
      );
    const res = await start(withGitHub);
    expect(res.status).toBe(200);
    const url = new URL(res.json.url);
    expect(url.origin + url.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(url.searchParams.get("client_id")).toBe("gh-client-id");
    expect(url.searchParams.get("redirect_uri")).toBe(`${ORIGIN}/api/auth/callback/github`);
    expect((await start(auth)).status).toBeGreaterThanOrEqual(400);
  });

  it("limits sign-in attempts per client address, in the database, with Retry-After", async () => {
    const limited = createAuth({
      db: database.db,
      baseURL: ORIGIN,
      secret: SECRET,
      rateLimits: { signIn: { max: 3, windowSeconds: 60 } },
    });
    const attempt = (ip: string) =>
      cookieClient(ORIGIN, (request) => handleAuthRequest(limited, request)).call(
        "POST",
        "/api/auth/sign-in/email",
        { email: "nobody@example.com", password: "not the password" },
        { "x-forwarded-for": ip },
      );
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt("203.0.113.9")).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const refused = await attempt("203.0.113.9");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address has its own count; and the count is in the database, shared by instances.
    expect((await attempt("198.51.100.4")).status).toBe(401);
    const rows = await database.db
      .selectFrom("rate_limit")
      .selectAll()
      .where("key", "like", "auth:203.0.113.9%")
      .execute();
    expect(rows.length).toBeGreaterThan(0);
  });

  it("refuses a state-changing request from another site", async () => {
    const res = await device().call(
      "POST",
      "/api/auth/sign-in/email",
      { email: "taken@example.com", password: "correct horse battery" },
      { origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
  });

  it("ends a session at once on sign-out, and a revoked one on the very next check", async () => {
    const laptop = await signUp("revoke@example.com");
    const phone = device();
    await phone.call("POST", "/api/auth/sign-in/email", {
      email: "revoke@example.com",
      password: "correct horse battery",
    });
    expect(await who(phone)).not.toBeNull();
    const sessions = await laptop.call("GET", "/api/auth/list-sessions");
    expect(sessions.json).toHaveLength(2);
    const phoneSession = (await who(phone))?.sessionId;
    const phoneToken = sessions.json.find((s: { id: string }) => s.id === phoneSession).token;
    expect((await laptop.call("POST", "/api/auth/revoke-session", { token: phoneToken })).status).toBe(200);
    expect(await who(phone)).toBeNull();
    expect(await who(laptop)).not.toBeNull();
    expect((await laptop.call("POST", "/api/auth/sign-out", {})).status).toBe(200);
    expect(await who(laptop)).toBeNull();
  });

  it("changes a password, signing other devices out", async () => {
    const laptop = await signUp("change@example.com");
    const phone = device();
    await phone.call("POST", "/api/auth/sign-in/email", {
      email: "change@example.com",
      password: "correct horse battery",
    });
    const res = await laptop.call("POST", "/api/auth/change-password", {
      currentPassword: "correct horse battery",
      newPassword: "a new long password",
      revokeOtherSessions: true,
    });
    expect(res.status).toBe(200);
    expect(await who(phone)).toBeNull();
    expect(await who(laptop)).not.toBeNull();
    const old = await device().call("POST", "/api/auth/sign-in/email", {
      email: "change@example.com",
      password: "correct horse battery",
    });
    expect(old.status).toBe(401);
  });

  it("deletes an account: its data first, then its rows; its sessions stop at once", async () => {
    const client = await signUp("gone@example.com");
    const id = (await who(client))?.id as string;
    const res = await client.call("POST", "/api/auth/delete-user", { password: "correct horse battery" });
    expect(res.status).toBe(200);
    expect(deleted.filter((d) => d === id)).toHaveLength(2);
    expect(await who(client)).toBeNull();
    expect(await database.db.selectFrom("session").selectAll().where("userId", "=", id).execute()).toEqual(
      [],
    );
    expect(await database.db.selectFrom("user").selectAll().where("id", "=", id).execute()).toEqual([]);
  });

  it("keeps the account when its data cannot be deleted", async () => {
    const stubborn = createAuth({
      db: database.db,
      baseURL: ORIGIN,
      secret: SECRET,
      deleteUserData: async () => {
        throw new Error("store unavailable");
      },
    });
    const client = cookieClient(ORIGIN, (request) => stubborn.handler(request));
    await client.call("POST", "/api/auth/sign-up/email", {
      email: "stays@example.com",
      name: "S",
      password: "correct horse battery",
    });
    const res = await client.call("POST", "/api/auth/delete-user", { password: "correct horse battery" });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(
      await createSessionCheck(stubborn, database.db)(new Headers({ cookie: client.cookieHeader() })),
    ).not.toBeNull();
  });

  describe("passkeys", () => {
    const register = async (
      client: CookieClient,
      key: ReturnType<typeof softAuthenticator>,
      query: string,
    ) => {
      const options = await client.call("GET", `/api/auth/passkey/generate-register-options?${query}`);
      if (options.status !== 200) return options;
      return client.call("POST", "/api/auth/passkey/verify-registration", {
        response: key.register(options.json),
        createSession: true,
      });
    };
    const signIn = async (client: CookieClient, key: ReturnType<typeof softAuthenticator>) => {
      const options = await client.call("GET", "/api/auth/passkey/generate-authenticate-options");
      return client.call("POST", "/api/auth/passkey/verify-authentication", {
        response: key.authenticate(options.json),
      });
    };
    const context = (email: string, name = "Key User") =>
      new URLSearchParams({ context: JSON.stringify({ email, name }) }).toString();

    it("signs up with a passkey alone, then signs in with it; the account has no password", async () => {
      const key = softAuthenticator(ORIGIN);
      const client = device();
      const res = await register(client, key, context("Key@Example.com"));
      expect(res.status).toBe(200);
      const user = await who(client);
      expect(user).toMatchObject({ email: "key@example.com", name: "Key User" });
      const accounts = await database.db
        .selectFrom("account")
        .selectAll()
        .where("userId", "=", user?.id as string)
        .execute();
      expect(accounts).toEqual([]);

      const later = device();
      expect((await signIn(later, key)).status).toBe(200);
      expect((await who(later))?.id).toBe(user?.id);
      const password = await device().call("POST", "/api/auth/sign-in/email", {
        email: "key@example.com",
        password: "anything at all",
      });
      expect(password.status).toBe(401);
    });

    it("creates nothing for an abandoned ceremony, a taken email or missing details", async () => {
      const key = softAuthenticator(ORIGIN);
      const before = await database.db.selectFrom("user").select("id").execute();
      const abandoned = await device().call(
        "GET",
        `/api/auth/passkey/generate-register-options?${context("never@example.com")}`,
      );
      expect(abandoned.status).toBe(200);
      expect((await register(device(), key, context("taken@example.com"))).status).toBe(422);
      expect((await register(device(), key, context("not an email"))).status).toBe(400);
      expect((await register(device(), key, "")).status).toBe(401);
      expect(await database.db.selectFrom("user").select("id").execute()).toEqual(before);
    });

    it("adds a passkey to a signed-in account, and refuses a key forged for another origin", async () => {
      const client = await signUp("both@example.com");
      const key = softAuthenticator(ORIGIN);
      expect((await register(client, key, "")).status).toBe(200);
      const list = await client.call("GET", "/api/auth/passkey/list-user-passkeys");
      expect(list.json).toHaveLength(1);
      const later = device();
      expect((await signIn(later, key)).status).toBe(200);
      expect((await who(later))?.email).toBe("both@example.com");

      const phishing = softAuthenticator("https://evil.example");
      expect((await register(device(), phishing, context("phished@example.com"))).status).toBe(400);
    });
  });
});
