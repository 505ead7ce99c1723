import type { IncomingMessage } from "node:http";

const CLIENT_ADDRESS_HEADERS = new Set(["x-forwarded-for", "x-real-ip"]);

/**
 * Puts the client's address in `x-forwarded-for` and `x-real-ip`, dropping any the client sent, in
 * both views of the headers (`rawHeaders` for the functions' Request, `headers` for the proxy).
 * Vercel does the same, so functions can count per client (rate limits) without trusting a claim.
 */
export function setClientAddress(req: IncomingMessage): void {
  const remote = req.socket.remoteAddress ?? "";
  const address = remote.startsWith("::ffff:") ? remote.slice(7) : remote;
  const { headers } = req;
  // node's parsed headers (names in lower case) say whether the raw ones need a look at all.
  const sent = headers["x-forwarded-for"] !== undefined || headers["x-real-ip"] !== undefined;
  headers["x-forwarded-for"] = address;
  headers["x-real-ip"] = address;
  // The common case: the client sent neither, so the two entries are appended, nothing rebuilt
  // and no raw name lowered (issue 15).
  if (!sent) {
    req.rawHeaders.push("x-forwarded-for", address, "x-real-ip", address);
    return;
  }
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? "";
    if (!CLIENT_ADDRESS_HEADERS.has(name.toLowerCase())) raw.push(name, req.rawHeaders[i + 1] ?? "");
  }
  raw.push("x-forwarded-for", address, "x-real-ip", address);
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
}
