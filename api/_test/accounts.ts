// Test tooling for the api tests (kept out of deployments by .vercelignore): a signed-up user whose
// session cookie the tests send, made through the same /api/auth function the app serves.
import { type CookieClient, cookieClient } from "@repo/test-support/cookie-client";

export const ORIGIN = "http://localhost";

export interface TestUser {
  id: string;
  email: string;
  client: CookieClient;
  /** A request as this user's browser sends it: their session cookie and the app's Origin. */
  request(url: string, init?: RequestInit): Request;
}

let counter = 0;

/** A new account, signed in. */
export async function signedIn(name = "Test User"): Promise<TestUser> {
  const auth = await import("../auth.js");
  const client = cookieClient(ORIGIN, (request) => auth.POST(request));
  const email = `user-${process.pid}-${++counter}-${Date.now()}@example.com`;
  const res = await client.call("POST", "/api/auth/sign-up/email", {
    email,
    name,
    password: "correct horse battery",
  });
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.json)}`);
  return {
    id: res.json.user.id,
    email,
    client,
    request(url, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("cookie", client.cookieHeader());
      if (!headers.has("origin")) headers.set("origin", ORIGIN);
      return new Request(url, { ...init, headers });
    },
  };
}
