import { sweepRateLimits } from "@repo/db/rate-limit";
import { existingUserIds } from "@repo/db/users";
import { sweepDeletedOwners } from "@repo/files/owners";
import { ownerOf } from "@repo/files/space";
import { reconcile } from "@repo/pipeline/reconcile";
import { blobStore } from "../_lib/blob-store.js";
import { database } from "../_lib/db.js";
import { env, requireValidEnv } from "../_lib/env.js";
import { HttpError } from "../_lib/http-error.js";
import { pipelineDeps } from "../_lib/pipeline.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";
import { sameSecret } from "../_lib/secret.js";

/**
 * GET /api/cron/reconcile — the timer trigger (vercel.json `crons`). Vercel calls it on schedule with
 * `Authorization: Bearer $CRON_SECRET`; the local runtime does the same. Every blob version without a
 * result is started, failed ones are retried up to the attempt limit, lost starts are restarted,
 * and the spaces of deleted accounts that still hold files are emptied.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    requireValidEnv("CRON_SECRET");
    const secret = env().CRON_SECRET;
    if (!secret) {
      throw new HttpError(
        503,
        "cron_not_configured",
        "Set CRON_SECRET in the project's environment variables; Vercel then sends it with every cron call.",
      );
    }
    const given = request.headers.get("authorization") ?? "";
    if (!sameSecret(given, `Bearer ${secret}`)) {
      throw new HttpError(
        401,
        "unauthorized",
        "This endpoint is called by the cron scheduler with its secret.",
        undefined,
        {
          "www-authenticate": 'Bearer realm="cron"',
        },
      );
    }
    const started = Date.now();
    // Only users' files are processed: nothing outside a space (a storage service's staging area,
    // files from before accounts) is anyone's to analyse.
    const report = await reconcile(pipelineDeps(), { isSource: (path) => ownerOf(path) !== null });
    let owners: Awaited<ReturnType<typeof sweepDeletedOwners>> | null = null;
    try {
      const { db } = database();
      owners = await sweepDeletedOwners(blobStore(), (ids) => existingUserIds(db, ids));
      // Counters of windows that ended a day ago count nothing any more.
      await sweepRateLimits(db, 24 * 60 * 60 * 1000);
    } catch (error) {
      // The files' own upkeep above stands; the sweep runs again on the next tick.
      report.problems.push({
        path: "users/",
        message: `deleted accounts not swept: ${(error as Error).message}`,
      });
    }
    const swept = owners?.removed.length ?? 0;
    if (report.started.length || report.problems.length || report.removed.length || swept) {
      console.log(
        `[cron] reconcile: ${report.scanned} scanned, ${report.started.length} started, ${report.removed.length} removed, ${swept} deleted accounts swept, ${report.problems.length} problems`,
      );
    }
    return json(
      { ...report, deletedAccounts: owners?.removed ?? [], ms: Date.now() - started },
      { headers: { "cache-control": "no-store" } },
    );
  },
});
