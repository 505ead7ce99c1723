import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { type LazyLocalDatabase, lazyLocalDatabase, provideLocalDatabase } from "@repo/db/local";
import type { LocalConfigFactory } from "@repo/runtime";
import { createBlobProtocolHandler } from "@repo/vercel-blob-local/handler";
import { sweepStagedUploads } from "@repo/vercel-blob-local/sweep";

/**
 * What only the local runtime (pnpm dev, pnpm start) provides; never deployed.
 *
 * - The database: without DATABASE_URL, an embedded PostgreSQL (PGlite) under .data/pglite
 *   (PGLITE_DIR), lent to every function this process runs. Its directory is locked at start; it
 *   opens and migrates on the first query, so a server that never needs it never carries PGlite's
 *   ~250 MiB.
 * - Accounts: APP_URL is this origin (also trusted at 127.0.0.1 and [::1]), and BETTER_AUTH_SECRET,
 *   unless set, is a random one kept in .data/auth-secret, so sessions survive a restart.
 * - Blob storage: without a Vercel Blob store connected, the dev origin speaks the Vercel Blob
 *   protocol itself, on top of the filesystem store the functions use (BLOB_DIR): the browser's
 *   upload() from @vercel/blob/client PUTs here, client tokens are checked as Vercel checks them,
 *   and the signed completion callback reaches /api/blobs/client-upload. Production's code path,
 *   offline.
 * - Weather, with WEATHER_STANDIN=1 (`pnpm dev:offline`): the weather stand-in, started in this
 *   process, answers in place of Open-Meteo and NWS. Its data is generated and every answer says
 *   so (the page shows "Test data").
 */
const config: LocalConfigFactory = async ({ origin, root }) => {
  const workflow = workflowConfig(origin, root);
  const accounts = await accountsConfig(origin, root);
  const blobs = process.env.BLOB_READ_WRITE_TOKEN ? null : blobEndpoint(origin, root);
  const weather = process.env.WEATHER_STANDIN === "1" ? await weatherStandin() : null;
  return {
    env: { ...workflow.env, ...accounts.env, ...blobs?.env, ...weather?.env },
    mounts: blobs?.mounts ?? {},
    ready: async () => {
      await reportSettings();
      await workflow.ready();
      blobs?.startSweeping();
    },
    // The dashboard at /__runtime lists runs through the Workflow SDK's world, as the functions see it.
    workflowRuns: async (limit) => {
      const { listRecentRuns } = await import("@repo/pipeline/world");
      return listRecentRuns(limit);
    },
    close: async () => {
      blobs?.stopSweeping();
      await weather?.close();
      await accounts.close();
    },
  };
};

/** Says at start which settings have values that are not accepted, and that only their features stop. */
async function reportSettings() {
  const { envProblems } = await import("./api/_lib/env.js");
  for (const [name, problem] of Object.entries(envProblems())) {
    console.warn(
      `[settings] ${name} is not accepted (${problem}); what needs it answers 503 until it is fixed, everything else runs.`,
    );
  }
}

/**
 * The Vercel Blob protocol over the filesystem store the functions use (BLOB_DIR), at /__vercel_blob,
 * with a sweep every 10 minutes of what interrupted uploads leave: multipart uploads open for an
 * hour (their tokens lasted ten minutes), and bodies half-streamed into the store's tmp/.
 */
function blobEndpoint(origin: string, root: string) {
  const token = `vercel_blob_rw_local_${randomBytes(24).toString("hex")}`;
  const store = new FilesystemBlobStore({ root: resolve(root, process.env.BLOB_DIR ?? ".data/blobs") });
  const handler = createBlobProtocolHandler({
    store,
    readWriteToken: token,
    apiBasePath: "/__vercel_blob/api",
    publicBaseUrl: `${origin}/__vercel_blob/files`,
  });
  const HOUR = 60 * 60 * 1000;
  const sweep = async () => {
    try {
      const uploads = await sweepStagedUploads(store, HOUR);
      const temps = store.sweepTemp(HOUR);
      if (uploads || temps)
        console.log(`[blobs] swept ${uploads} abandoned uploads and ${temps} temporary files`);
    } catch (error) {
      console.warn("[blobs] sweep failed; it runs again in 10 minutes:", error);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    env: { BLOB_LOCAL_API_URL: `${origin}/__vercel_blob/api`, BLOB_LOCAL_READ_WRITE_TOKEN: token },
    mounts: { "/__vercel_blob": handler },
    startSweeping() {
      void sweep();
      timer = setInterval(sweep, 10 * 60 * 1000);
      timer.unref();
    },
    stopSweeping: () => clearInterval(timer),
  };
}

/**
 * The weather stand-in (tooling/weather-standin) on a free port of 127.0.0.1, with the functions'
 * OPEN_METEO_BASE_URL and NWS_BASE_URL pointed at it: the weather page works with no network and no
 * second terminal. Only on request, so that a plain `pnpm dev` shows real weather.
 */
async function weatherStandin() {
  const { startStandin } = await import("@repo/weather-standin/standin");
  const standin = await startStandin();
  console.log(`[weather] stand-in at ${standin.url}: generated data, not real weather (WEATHER_STANDIN=1)`);
  return {
    env: { OPEN_METEO_BASE_URL: standin.url, NWS_BASE_URL: standin.url },
    close: () => standin.close(),
  };
}

/**
 * The Workflow SDK's local world: runs and step results as files under WORKFLOW_LOCAL_DATA_DIR. Its
 * queue hands each message to this origin's /.well-known/workflow/v1/{flow,step} (rewritten to
 * api/workflow/ by vercel.json, as on Vercel) with a secret only this process knows, so those
 * endpoints refuse anyone else. Its queue lives in memory, so at start the runs a stopped server
 * left queued or running are picked up again (`ready`).
 */
function workflowConfig(origin: string, root: string) {
  const secret = randomBytes(32).toString("base64url");
  const deliver = (request: Request) =>
    fetch(request.url, {
      method: "POST",
      headers: { ...Object.fromEntries(request.headers), "x-workflow-local-delivery": secret },
      body: request.body,
      duplex: "half",
    } as RequestInit);
  return {
    env: {
      WORKFLOW_LOCAL_BASE_URL: origin,
      WORKFLOW_LOCAL_DATA_DIR: resolve(root, process.env.WORKFLOW_LOCAL_DATA_DIR ?? ".data/workflow"),
      WORKFLOW_LOCAL_DELIVERY_SECRET: secret,
    },
    ready: async () => {
      const { deliverInProcess } = await import("@repo/pipeline/in-process");
      const { resumeInterruptedRuns } = await import("@repo/pipeline/world");
      deliverInProcess({ flow: deliver, step: deliver });
      await resumeInterruptedRuns();
    },
  };
}

/** The database and the settings sign-in needs, for a run on this machine. */
async function accountsConfig(origin: string, root: string) {
  const env: Record<string, string> = { APP_URL: process.env.APP_URL ?? origin };
  // The same server reached by its loopback address is the same site (passkeys want "localhost").
  const port = new URL(origin).port;
  env.TRUSTED_ORIGINS = [process.env.TRUSTED_ORIGINS, `http://127.0.0.1:${port}`, `http://[::1]:${port}`]
    .filter(Boolean)
    .join(",");
  env.BETTER_AUTH_SECRET =
    process.env.BETTER_AUTH_SECRET ?? (await keptSecret(resolve(root, ".data/auth-secret")));
  let database: LazyLocalDatabase | undefined;
  if (!process.env.DATABASE_URL) {
    const dir = process.env.PGLITE_DIR ?? ".data/pglite";
    database = await lazyLocalDatabase(dir === "memory://" ? dir : resolve(root, dir), (opened) => {
      if (opened.applied.length) console.log(`[db] ${opened.dir}: applied ${opened.applied.join(", ")}`);
    });
    provideLocalDatabase(database);
  }
  return {
    env,
    close: async () => {
      if (!database) return;
      provideLocalDatabase(null);
      await database.destroy();
    },
  };
}

/** A secret made once and kept in a file only this user can read. */
async function keptSecret(file: string): Promise<string> {
  try {
    const kept = (await readFile(file, "utf8")).trim();
    if (kept.length >= 32) return kept;
  } catch {}
  const secret = randomBytes(32).toString("base64url");
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export default config;
