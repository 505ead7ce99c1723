import { type CookieClient, cookieClient } from "@repo/test-support/cookie-client";

export const PASSWORD = "correct horse battery";

export interface Account {
  id: string;
  email: string;
  /** Sends this account's session cookie and the app's Origin, as its browser would. */
  client: CookieClient;
  /** The prefix of the account's space in the store, under which client tokens are issued. */
  space: string;
}

let counter = 0;

/** Signs up a new account over HTTP (email and password) and keeps its session cookie. */
export async function signUp(origin: string, name = "Test User"): Promise<Account> {
  const client = cookieClient(origin);
  let email = `user-${process.pid}-${++counter}-${Date.now()}@example.com`;
  let res = await client.call("POST", "/api/auth/sign-up/email", { email, name, password: PASSWORD });
  // The first query of a fresh server opens its embedded database (WebAssembly compiled, migrations
  // run), which on a loaded 2-core machine can outlast the function's 10 s, more than once (seen in
  // CI beside other work); the opening goes on, so a later try finds it open. Each try uses another
  // address: the one before may have been created.
  for (const deadline = Date.now() + 90_000; res.status === 504 && Date.now() < deadline; ) {
    email = `user-${process.pid}-${++counter}-${Date.now()}@example.com`;
    res = await client.call("POST", "/api/auth/sign-up/email", { email, name, password: PASSWORD });
  }
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.json)}`);
  const id: string = res.json.user.id;
  return { id, email, client, space: `users/${id}/` };
}

/** Hands an account's session cookie to a browser context, so its pages are signed in. */
export async function signInBrowser(
  context: { addCookies(cookies: { name: string; value: string; url: string }[]): Promise<void> },
  account: Account,
): Promise<void> {
  await context.addCookies(
    [...account.client.cookies].map(([name, value]) => ({ name, value, url: account.client.origin })),
  );
}
