import type { Auth } from "./auth.ts";

/**
 * Better Auth's web-standard handler, with two corrections: a 429 also carries the standard
 * Retry-After; and the passkey plugin answers a registration whose authenticator response does not
 * verify (signed for another site, a stale challenge, a credential already registered) with a 500,
 * though the fault is the client's. That becomes the 400 it is, with the same body, so bad input
 * never looks like our failure.
 *
 * @example export const POST = (request: Request) => handleAuthRequest(auth, request)
 */
export async function handleAuthRequest(auth: Auth, request: Request): Promise<Response> {
  const response = await auth.handler(request);
  if (response.status === 429) {
    // Better Auth names the wait X-Retry-After; clients and proxies read the standard header.
    const wait = response.headers.get("x-retry-after");
    const headers = new Headers(response.headers);
    if (wait) headers.set("retry-after", wait);
    return new Response(response.body, { status: 429, headers });
  }
  if (response.status !== 500) return response;
  const text = await response.text();
  let code: unknown;
  try {
    code = (JSON.parse(text) as { code?: unknown }).code;
  } catch {}
  const headers = new Headers(response.headers);
  if (code === "FAILED_TO_VERIFY_REGISTRATION") return new Response(text, { status: 400, headers });
  return new Response(text, { status: 500, headers });
}
