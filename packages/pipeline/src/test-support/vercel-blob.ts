// Vercel Blob for tests: the real SDK (through VercelBlobStore) against the repo's server of the
// Vercel Blob wire protocol, on 127.0.0.1, over a filesystem store in a temporary directory.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { VercelBlobStore } from "@repo/blob-store/vercel";
import { createBlobProtocolHandler } from "@repo/vercel-blob-local/handler";

export async function startVercelBlob(
  root: string,
): Promise<{ store: VercelBlobStore; close: () => Promise<void> }> {
  const token = "vercel_blob_rw_pipelinetest_0123456789abcdef";
  let handler: (request: Request) => Promise<Response> | Response = () => new Response(null, { status: 503 });
  let origin = "";
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? "GET";
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    }
    const body = method === "GET" || method === "HEAD" ? undefined : (Readable.toWeb(req) as ReadableStream);
    Promise.resolve(
      handler(
        new Request(new URL(req.url ?? "/", origin), {
          method,
          headers,
          body,
          duplex: "half",
        } as RequestInit),
      ),
    )
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        if (!response.body) return void res.end();
        await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), res);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  handler = createBlobProtocolHandler({
    store: new FilesystemBlobStore({ root }),
    readWriteToken: token,
    apiBasePath: "/api",
    publicBaseUrl: `${origin}/files`,
  });
  // The SDK reads its API URL from the environment on every call.
  process.env.VERCEL_BLOB_API_URL = `${origin}/api`;
  process.env.VERCEL_BLOB_RETRIES = "0";
  return {
    store: new VercelBlobStore({ token, access: "public" }),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
