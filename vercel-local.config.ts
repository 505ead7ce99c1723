import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { createBlobProtocolHandler } from "@repo/blob-store/protocol-server";
import type { LocalConfigFactory } from "@repo/runtime";

/**
 * What only the local runtime (pnpm dev, pnpm start) provides; never deployed.
 *
 * Without a Vercel Blob store connected, the dev origin speaks the Vercel Blob protocol itself, on
 * top of the filesystem store the functions use (BLOB_DIR): the browser's upload() from
 * @vercel/blob/client PUTs here, client tokens are checked as Vercel checks them, and the signed
 * completion callback reaches /api/blobs/client-upload. Production's code path, offline.
 */
const config: LocalConfigFactory = ({ origin, root }) => {
  const workflow = workflowConfig(origin, root);
  if (process.env.BLOB_READ_WRITE_TOKEN) return workflow;
  const token = `vercel_blob_rw_local_${randomBytes(24).toString("hex")}`;
  const store = new FilesystemBlobStore({ root: resolve(root, process.env.BLOB_DIR ?? ".data/blobs") });
  const handler = createBlobProtocolHandler({
    store,
    readWriteToken: token,
    apiBasePath: "/__vercel_blob/api",
    publicBaseUrl: `${origin}/__vercel_blob/files`,
  });
  return {
    ...workflow,
    env: {
      ...workflow.env,
      BLOB_LOCAL_API_URL: `${origin}/__vercel_blob/api`,
      BLOB_LOCAL_READ_WRITE_TOKEN: token,
    },
    mounts: { "/__vercel_blob": handler },
  };
};

/**
 * The Workflow SDK's local world: runs and step results as files under WORKFLOW_LOCAL_DATA_DIR, its
 * queue delivering to this origin's /.well-known/workflow/v1/{flow,step} (rewritten to api/workflow/
 * by vercel.json, as on Vercel). Its queue lives in memory, so at start the runs a stopped server left
 * queued or running are picked up again (`ready`).
 */
function workflowConfig(origin: string, root: string) {
  return {
    env: {
      WORKFLOW_LOCAL_BASE_URL: origin,
      WORKFLOW_LOCAL_DATA_DIR: resolve(root, process.env.WORKFLOW_LOCAL_DATA_DIR ?? ".data/workflow"),
    },
    ready: async () => {
      const { resumeInterruptedRuns } = await import("@repo/pipeline");
      await resumeInterruptedRuns();
    },
  };
}

export default config;
