import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { type LazyLocalDatabase, lazyLocalDatabase, provideLocalDatabase } from "@repo/db/local";
import type { LocalConfigFactory, MountHandler } from "@repo/runtime";
import { createBlobProtocolHandler } from "@repo/vercel-blob-local/handler";
import { sweepStagedUploads } from "@repo/vercel-blob-local/sweep";
import { sameSecret } from "./api/_lib/secret.js";
import { LOCAL_DELIVERY_HEADER } from "./api/_lib/workflow-delivery.js";

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
    mounts: { ...workflow.mounts, ...blobs?.mounts },
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
      await workflow.close();
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
 * The workflow engine's world, chosen by WORKFLOW_TARGET_WORLD:
 *
 * - unset or "local": the Workflow SDK's local world, runs and step results as files under
 *   WORKFLOW_LOCAL_DATA_DIR, its queue in this process's memory. Each message is handed to this
 *   origin's /.well-known/workflow/v1/{flow,step} (rewritten to api/workflow/ by vercel.json, as on
 *   Vercel) with a secret only this process knows, so those endpoints refuse anyone else. The queue
 *   is lost with the process, so at start the runs a stopped server left are picked up (`ready`).
 * - "postgres" (or the package's name, "@workflow/world-postgres"): the Postgres world on the
 *   accounts' PostgreSQL server (DATABASE_URL, or WORKFLOW_POSTGRES_URL for another one). Runs,
 *   steps and the queue are tables there, so several `pnpm start` processes on one server are
 *   workers of one engine: each takes messages from the shared queue and POSTs them to its own
 *   origin, under a path that carries this process's secret (the world cannot add a header), where
 *   they are passed on to the endpoints as the local world's are. Its schema is applied at start.
 */
function workflowConfig(
  origin: string,
  root: string,
): {
  env: Record<string, string>;
  mounts: Record<string, MountHandler>;
  ready: () => Promise<void>;
  close: () => Promise<void>;
} {
  const secret = randomBytes(32).toString("base64url");
  const endpoint = (kind: string) => `${origin}/.well-known/workflow/v1/${kind}`;
  const deliver = (request: Request, url = request.url) =>
    fetch(url, {
      method: "POST",
      headers: { ...Object.fromEntries(request.headers), [LOCAL_DELIVERY_HEADER]: secret },
      body: request.body,
      duplex: "half",
    } as RequestInit);
  const world = chosenWorld();
  if (world.kind === "postgres") {
    return {
      env: {
        WORKFLOW_TARGET_WORLD: POSTGRES_WORLD,
        WORKFLOW_POSTGRES_URL: world.url,
        WORKFLOW_LOCAL_BASE_URL: `${origin}/__workflow/${secret}`,
        WORKFLOW_LOCAL_DELIVERY_SECRET: secret,
      },
      mounts: {
        "/__workflow": async (request: Request) => {
          const [, given = "", kind = ""] =
            /^\/__workflow\/([^/]+)\/\.well-known\/workflow\/v1\/(flow|step)$/.exec(
              new URL(request.url).pathname,
            ) ?? [];
          if (!sameSecret(given, secret))
            return Response.json({ error: "not_found", message: "No such endpoint." }, { status: 404 });
          return deliver(request, endpoint(kind));
        },
      },
      ready: async () => {
        const { startPostgresWorld } = await import("@repo/pipeline/postgres-world");
        await startPostgresWorld(world.url);
        console.log(
          `[workflow] Postgres world at ${redactUrl(world.url)}: this process is one of its workers`,
        );
      },
      close: async () => {
        const { stopWorld } = await import("@repo/pipeline/postgres-world");
        await stopWorld();
      },
    };
  }
  const dataDir = resolve(root, process.env.WORKFLOW_LOCAL_DATA_DIR ?? ".data/workflow");
  return {
    env: {
      WORKFLOW_LOCAL_BASE_URL: origin,
      WORKFLOW_LOCAL_DATA_DIR: dataDir,
      WORKFLOW_LOCAL_DELIVERY_SECRET: secret,
    },
    mounts: {},
    ready: async () => {
      const { deliverInProcess } = await import("@repo/pipeline/in-process");
      const { resumeInterruptedRuns } = await import("@repo/pipeline/world");
      deliverInProcess({ flow: deliver, step: deliver });
      await resumeInterruptedRuns({ localDataDir: dataDir });
    },
    close: async () => {},
  };
}

const POSTGRES_WORLD = "@workflow/world-postgres";

/**
 * Which world WORKFLOW_TARGET_WORLD asks for, with its database. A setting this runtime cannot honour
 * stops the start with the reason: a server that quietly ran on another engine would lose the runs
 * its operator expects to find in PostgreSQL.
 */
function chosenWorld(): { kind: "local" } | { kind: "postgres"; url: string } {
  const target = process.env.WORKFLOW_TARGET_WORLD ?? "";
  if (target === "" || target === "local") return { kind: "local" };
  if (target !== "postgres" && target !== POSTGRES_WORLD) {
    throw new Error(
      `WORKFLOW_TARGET_WORLD=${target} is not a world this runtime runs: leave it unset (or "local") for the local world, or set "postgres" for the Postgres world. Vercel's world runs only on Vercel.`,
    );
  }
  const url = process.env.WORKFLOW_POSTGRES_URL || process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      `WORKFLOW_TARGET_WORLD=${target} needs a PostgreSQL server: set DATABASE_URL (the accounts' database) or WORKFLOW_POSTGRES_URL. The embedded database (PGlite, used when DATABASE_URL is unset) serves one process and cannot hold a queue that several workers share.`,
    );
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`The Postgres world's database URL must start with postgres:// (got ${redactUrl(url)}).`);
  }
  return { kind: "postgres", url };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
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
