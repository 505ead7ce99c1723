import type { IncomingMessage } from "node:http";

const CLIENT_ADDRESS_HEADERS = new Set(["x-forwarded-for", "x-real-ip"]);

/**
 * Puts the client's address in `x-forwarded-for` and `x-real-ip`, dropping any the client sent, in
 * both views of the headers (`rawHeaders` for the functions' Request, `headers` for the proxy).
 * Vercel does the same, so functions can count per client (rate limits) without trusting a claim.
 */
export function setClientAddress(req: IncomingMessage): void {
  const address = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? "";
    if (!CLIENT_ADDRESS_HEADERS.has(name.toLowerCase())) raw.push(name, req.rawHeaders[i + 1] ?? "");
  }
  raw.push("x-forwarded-for", address, "x-real-ip", address);
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
  req.headers["x-forwarded-for"] = address;
  req.headers["x-real-ip"] = address;
}
