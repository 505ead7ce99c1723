// Vercel Blob for tests: the real SDK (through VercelBlobStore) against the repo's server of the
// Vercel Blob wire protocol (tooling/vercel-blob-local), on 127.0.0.1, over a filesystem store in a
// temporary directory.
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { VercelBlobStore } from "@repo/blob-store/vercel";
import { createBlobProtocolHandler } from "@repo/vercel-blob-local/handler";
import { listen, type WebHandler } from "@repo/vercel-blob-local/listen";

export async function startVercelBlob(
  root: string,
): Promise<{ store: VercelBlobStore; close: () => Promise<void> }> {
  const token = "vercel_blob_rw_pipelinetest_0123456789abcdef";
  let handler: WebHandler = () => new Response(null, { status: 503 });
  const server = await listen(() => handler);
  handler = createBlobProtocolHandler({
    store: new FilesystemBlobStore({ root }),
    readWriteToken: token,
    apiBasePath: "/api",
    publicBaseUrl: `${server.origin}/files`,
  });
  // The SDK reads its API URL from the environment on every call.
  process.env.VERCEL_BLOB_API_URL = `${server.origin}/api`;
  process.env.VERCEL_BLOB_RETRIES = "0";
  return {
    store: new VercelBlobStore({ token, access: "public" }),
    close: server.close,
  };
}
