import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localDatabase } from "@repo/db/registry";
import { createRuntime, type Runtime } from "@repo/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Account, PASSWORD, signUp } from "../support/accounts.js";
import { clientTokenPayload } from "../support/client-token.js";
import { REPO_ROOT } from "../support/paths.js";
import { settledResult } from "../support/results.js";

// Who may call each blob endpoint, on whose data: tried from outside over HTTP, as a stranger, as
// another user, and across sites. Another user's file must look exactly like no file at all.
let dir: string;
let runtime: Runtime;
let alice: Account;
let bob: Account;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "security-"));
  process.env.BLOB_DIR = dir;
  delete process.env.BLOB_READ_WRITE_TOKEN;
  runtime = await createRuntime({ root: REPO_ROOT, mode: "dev", port: 0, app: false, crons: false });
  alice = await signUp(runtime.url, "Alice");
  bob = await signUp(runtime.url, "Bob");
  const put = await alice.client.fetch("/api/blobs/upload?path=uploads/secret.csv", {
    method: "POST",
    body: "name,salary\nAlice,100\n",
    headers: { "content-type": "text/csv" },
  });
  expect(put.status).toBe(201);
  await settledResult(alice, "uploads/secret.csv");
});
afterAll(async () => {
  await runtime?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

/** Every blob endpoint and method, on one path. */
const endpoints = (path: string): [string, string, BodyInit | undefined][] => {
  const q = `path=${encodeURIComponent(path)}`;
  return [
    ["GET", "/api/blobs?prefix=", undefined],
    ["GET", `/api/blobs/info?${q}`, undefined],
    ["GET", `/api/blobs/content?${q}`, undefined],
    ["HEAD", `/api/blobs/content?${q}`, undefined],
    ["GET", `/api/blobs/result?${q}`, undefined],
    ["POST", `/api/blobs/reprocess?${q}`, undefined],
    ["DELETE", `/api/blobs?${q}`, undefined],
    ["POST", `/api/blobs/upload?${q}`, "x,y\n1,2\n"],
    [
      "POST",
      "/api/blobs/client-upload",
      JSON.stringify({
        type: "blob.generate-client-token",
        payload: { pathname: path, clientPayload: null },
      }),
    ],
  ];
};

describe("without a session", () => {
  it.each(endpoints("uploads/secret.csv"))(
    "%s %s is a 401 in the JSON error shape",
    async (method, path, body) => {
      const res = await fetch(`${runtime.url}${path}`, {
        method,
        body,
        headers: { "content-type": path.includes("client-upload") ? "application/json" : "text/csv" },
      });
      expect(res.status).toBe(401);
      if (method !== "HEAD") expect((await res.json()).error.code).toBe("unauthenticated");
    },
  );

  it("is a 401 with a forged, a tampered or a made-up session cookie", async () => {
    const real = alice.client.cookies.get("better-auth.session_token") ?? "";
    const [token = "", signature = ""] = decodeURIComponent(real).split(".");
    const forged = [
      `better-auth.session_token=${encodeURIComponent(`${token}.${"A".repeat(signature.length)}`)}`,
      `better-auth.session_token=${encodeURIComponent(`${"x".repeat(token.length)}.${signature}`)}`,
      `better-auth.session_token=${token}`,
      "better-auth.session_token=garbage",
    ];
    for (const cookie of forged) {
      const res = await fetch(`${runtime.url}/api/blobs?prefix=`, { headers: { cookie } });
      expect(res.status, cookie).toBe(401);
    }
  });

  it("is a 401 with a session that has expired", async () => {
    const dave = await signUp(runtime.url, "Dave");
    expect((await dave.client.call("GET", "/api/blobs?prefix=")).status).toBe(200);
    // The runtime lends its database to this process: age the session as a week would.
    const database = localDatabase();
    if (!database) throw new Error("the runtime lends no database");
    await database.db
      .updateTable("session")
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where("userId", "=", dave.id)
      .execute();
    expect((await dave.client.call("GET", "/api/blobs?prefix=")).status).toBe(401);
  });

  it("leaves the public endpoints public", async () => {
    expect((await fetch(`${runtime.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${runtime.url}/api/card-brands/visa`)).status).toBe(200);
    expect((await fetch(`${runtime.url}/api/blobs/config`)).status).toBe(200);
    expect((await (await fetch(`${runtime.url}/api/blobs/config`)).json()).uploadPrefix).toBeNull();
  });
});

describe("another user's file is a 404, exactly as if it did not exist", () => {
  /** Bob's answer for Alice's path, and his answer for a path nobody has, with the path masked. */
  async function compare(method: string, path: (p: string) => string, body?: BodyInit) {
    const ask = async (p: string) => {
      const res = await bob.client.fetch(path(p), {
        method,
        body,
        headers: { "content-type": "text/csv" },
      });
      const text = method === "HEAD" ? "" : await res.text();
      return {
        status: res.status,
        body: text.replaceAll(p, "<path>").replaceAll(encodeURIComponent(p), "<path>"),
      };
    };
    const theirs = await ask("uploads/secret.csv");
    const nobodys = await ask("uploads/nothing-here.csv");
    expect(theirs).toEqual(nobodys);
    return theirs;
  }

  it.each([
    ["GET", (p: string) => `/api/blobs/info?path=${p}`],
    ["GET", (p: string) => `/api/blobs/content?path=${p}`],
    ["HEAD", (p: string) => `/api/blobs/content?path=${p}`],
    ["GET", (p: string) => `/api/blobs/result?path=${p}`],
    ["POST", (p: string) => `/api/blobs/reprocess?path=${p}`],
    ["DELETE", (p: string) => `/api/blobs?path=${p}`],
  ] as const)("%s %s", async (method, path) => {
    expect((await compare(method, path)).status).toBe(404);
  });

  it("cannot be reached by its name in the store either", async () => {
    const stored = encodeURIComponent(`${alice.space}uploads/secret.csv`);
    for (const path of [
      `/api/blobs/info?path=${stored}`,
      `/api/blobs/content?path=${stored}`,
      `/api/blobs/result?path=${stored}`,
    ]) {
      expect((await bob.client.fetch(path)).status, path).toBe(404);
    }
    expect((await bob.client.fetch(`/api/blobs?path=${stored}`, { method: "DELETE" })).status).toBe(404);
    expect((await alice.client.fetch("/api/blobs/info?path=uploads/secret.csv")).status).toBe(200);
  });

  it("does not show up in Bob's listing, under any prefix, with any cursor", async () => {
    for (const query of [
      "prefix=",
      "prefix=uploads/",
      "prefix=_results/",
      `cursor=${alice.space}`,
      "limit=1000",
    ]) {
      const res = await bob.client.call("GET", `/api/blobs?${query}`);
      expect(res.status, query).toBe(200);
      expect(JSON.stringify(res.json), query).not.toContain("secret");
    }
    for (const prefix of ["../", `../${alice.id}/`, "/users/", "uploads/../../"]) {
      expect(
        (await bob.client.call("GET", `/api/blobs?prefix=${encodeURIComponent(prefix)}`)).status,
        prefix,
      ).toBe(400);
    }
  });

  it("keeps Alice's results and thumbnails from Bob", async () => {
    const results = await alice.client.call("GET", "/api/blobs?prefix=_results/");
    const derived: string = results.json.blobs[0].path;
    expect(derived).toMatch(/^_results\/uploads\/secret\.csv\//);
    expect((await alice.client.fetch(`/api/blobs/content?path=${encodeURIComponent(derived)}`)).status).toBe(
      200,
    );
    expect((await bob.client.fetch(`/api/blobs/content?path=${encodeURIComponent(derived)}`)).status).toBe(
      404,
    );
  });

  it("gives Bob his own file of the same name, and leaves Alice's untouched", async () => {
    const put = await bob.client.fetch("/api/blobs/upload?path=uploads/secret.csv", {
      method: "POST",
      body: "mine\n",
      headers: { "content-type": "text/csv" },
    });
    expect(put.status).toBe(201);
    expect(await (await bob.client.fetch("/api/blobs/content?path=uploads/secret.csv")).text()).toBe(
      "mine\n",
    );
    expect(await (await alice.client.fetch("/api/blobs/content?path=uploads/secret.csv")).text()).toBe(
      "name,salary\nAlice,100\n",
    );
    const gone = await bob.client.fetch("/api/blobs?path=uploads/secret.csv", { method: "DELETE" });
    expect(gone.status).toBe(204);
    expect((await alice.client.fetch("/api/blobs/info?path=uploads/secret.csv")).status).toBe(200);
  });
});

describe("client tokens", () => {
  const ask = (account: Account, pathname: string, headers: Record<string, string> = {}) =>
    account.client.call(
      "POST",
      "/api/blobs/client-upload",
      { type: "blob.generate-client-token", payload: { pathname, clientPayload: null, multipart: false } },
      headers,
    );

  it("are issued for the caller's own space, carrying the session's user id", async () => {
    const res = await ask(bob, `${bob.space}uploads/new.csv`);
    expect(res.status).toBe(200);
    const token = clientTokenPayload(res.json.clientToken);
    const { pathname } = token;
    const payload = JSON.parse(token.onUploadCompleted?.tokenPayload ?? "null");
    expect(pathname).toBe(`${bob.space}uploads/new.csv`);
    expect(payload).toMatchObject({ userId: bob.id, path: "uploads/new.csv" });
  });

  it("ignore who the browser claims to be", async () => {
    const res = await bob.client.call("POST", "/api/blobs/client-upload", {
      type: "blob.generate-client-token",
      payload: {
        pathname: `${bob.space}uploads/claim.csv`,
        clientPayload: JSON.stringify({ userId: alice.id, uploader: "Alice" }),
        multipart: false,
      },
    });
    expect(
      JSON.parse(clientTokenPayload(res.json.clientToken).onUploadCompleted?.tokenPayload ?? "null").userId,
    ).toBe(bob.id);
  });

  it("are refused for another user's space, outside any space, and for the results", async () => {
    for (const pathname of [
      `${alice.space}uploads/x.csv`,
      "uploads/x.csv",
      `_results/${bob.space}x.json`,
      `${bob.space}_results/x.json`,
      `${bob.space}../${alice.id}/x.csv`,
    ]) {
      const res = await ask(bob, pathname);
      expect(res.status, pathname).toBeGreaterThanOrEqual(400);
      expect(res.status, pathname).toBeLessThan(500);
      expect(res.json.clientToken, pathname).toBeUndefined();
    }
    expect((await ask(bob, `${alice.space}uploads/x.csv`)).status).toBe(403);
  });

  it("are refused to a request from another site", async () => {
    const res = await ask(bob, `${bob.space}uploads/x.csv`, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("cross_site_request");
  });
});

describe("requests from other sites", () => {
  it.each([
    ["POST", "/api/blobs/upload?path=uploads/csrf.csv", { origin: "https://evil.example" }],
    ["DELETE", "/api/blobs?path=uploads/secret.csv", { origin: "https://evil.example" }],
    ["POST", "/api/blobs/reprocess?path=uploads/secret.csv", { origin: "null" }],
    ["DELETE", "/api/blobs?path=uploads/secret.csv", { "sec-fetch-site": "cross-site", origin: "" }],
  ] as const)("%s %s with %j is refused with 403, and changes nothing", async (method, path, headers) => {
    const init: RequestInit = { method, headers: { ...headers, "content-type": "text/csv" } };
    if (method === "POST") init.body = "a\n1\n";
    const res = await alice.client.fetch(path, init);
    expect(res.status).toBe(403);
    expect((await alice.client.fetch("/api/blobs/info?path=uploads/secret.csv")).status).toBe(200);
    expect((await alice.client.fetch("/api/blobs/info?path=uploads/csrf.csv")).status).toBe(404);
  });

  it("cannot sign in or change a password", async () => {
    const evil = { origin: "https://evil.example" };
    const signIn = await alice.client.call(
      "POST",
      "/api/auth/sign-in/email",
      { email: alice.email, password: PASSWORD },
      evil,
    );
    expect(signIn.status).toBe(403);
    const change = await alice.client.call(
      "POST",
      "/api/auth/change-password",
      { currentPassword: PASSWORD, newPassword: "another long password" },
      evil,
    );
    expect(change.status).toBe(403);
  });
});

describe("sessions end at once", () => {
  it("on sign-out, on revocation from another device, and when the account is deleted", async () => {
    const carol = await signUp(runtime.url, "Carol");
    const put = await carol.client.fetch("/api/blobs/upload?path=photos/a.csv", {
      method: "POST",
      body: "a\n1\n",
      headers: { "content-type": "text/csv" },
    });
    expect(put.status).toBe(201);
    await settledResult(carol, "photos/a.csv");

    // A second device, then revoked from the first.
    const { cookieClient } = await import("@repo/test-support/cookie-client");
    const phone = cookieClient(runtime.url);
    expect(
      (await phone.call("POST", "/api/auth/sign-in/email", { email: carol.email, password: PASSWORD }))
        .status,
    ).toBe(200);
    expect((await phone.call("GET", "/api/blobs?prefix=")).status).toBe(200);
    const sessions = await carol.client.call("GET", "/api/auth/list-sessions");
    const phoneToken = decodeURIComponent(phone.cookies.get("better-auth.session_token") ?? "").split(".")[0];
    expect(sessions.json.map((s: { token: string }) => s.token)).toContain(phoneToken);
    expect((await carol.client.call("POST", "/api/auth/revoke-session", { token: phoneToken })).status).toBe(
      200,
    );
    expect((await phone.call("GET", "/api/blobs?prefix=")).status).toBe(401);

    // Sign-out of a third session.
    const tablet = cookieClient(runtime.url);
    await tablet.call("POST", "/api/auth/sign-in/email", { email: carol.email, password: PASSWORD });
    const tabletCookie = tablet.cookieHeader();
    expect((await tablet.call("POST", "/api/auth/sign-out", {})).status).toBe(200);
    expect(
      (await fetch(`${runtime.url}/api/blobs?prefix=`, { headers: { cookie: tabletCookie } })).status,
    ).toBe(401);

    // Deleting the account takes the session, the files and their results with it.
    const cookie = carol.client.cookieHeader();
    const deleted = await carol.client.call("POST", "/api/auth/delete-user", { password: PASSWORD });
    expect(deleted.status).toBe(200);
    expect((await fetch(`${runtime.url}/api/blobs?prefix=`, { headers: { cookie } })).status).toBe(401);
    const left = (await readdir(dir, { recursive: true })).map(String).filter((p) => p.includes(carol.id));
    expect(left.filter((p) => p.endsWith(".csv") || p.endsWith(".json"))).toEqual([]);
  });
});

describe("cookies", () => {
  it("are HttpOnly, SameSite=Lax, for the whole site, and not Secure over plain http", async () => {
    const client = (await import("@repo/test-support/cookie-client")).cookieClient(runtime.url);
    const res = await client.fetch("/api/auth/sign-in/email", {
      method: "POST",
      body: JSON.stringify({ email: alice.email, password: PASSWORD }),
      headers: { "content-type": "application/json" },
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="));
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Secure/i);
  });
});
