/**
 * Serves a web-standard handler on 127.0.0.1 over node:http, on a free port: how the tests put the
 * protocol server where the real SDK, which only speaks HTTP, can reach it. (`pnpm dev` mounts the
 * handler on the runtime's own origin instead.)
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

export type WebHandler = (request: Request) => Response | Promise<Response>;

export interface Listening {
  /** e.g. "http://127.0.0.1:41234" */
  origin: string;
  close: () => Promise<void>;
}

function toWebRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

async function sendWebResponse(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body === null) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream), res);
}

/**
 * Listens on a free port of 127.0.0.1. `handler` is asked for on every request, so a caller can
 * build the real handler once it knows the origin.
 *
 * @example
 * let handler: WebHandler = () => new Response(null, { status: 503 });
 * const server = await listen(() => handler);
 * handler = createBlobProtocolHandler({ store, readWriteToken, publicBaseUrl: `${server.origin}/files` });
 */
export async function listen(handler: () => WebHandler): Promise<Listening> {
  let origin = "";
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve()
      .then(() => handler()(toWebRequest(req, origin)))
      .then((response) => sendWebResponse(response, res))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
