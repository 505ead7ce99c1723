import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Repairs what a process killed mid-write leaves in the Workflow SDK's local world (4.4.1, and the
 * 5.0 betas alike). Finishing a step there is three writes: claim `.locks/steps/<run>-<step>.terminal`
 * (so two invocations cannot both finish it), rewrite the step's record as completed or failed, then
 * append the `step_completed`/`step_failed` event. A SIGKILL between the claim and the event leaves a
 * step whose lock says "finished" while the event log, which the workflow replays, says "running".
 * After a restart the step is delivered again, runs, and its finish is refused by the lock as "already
 * finished": the workflow never hears of it and the run stays "processing" forever, the step's
 * attempt counter climbing at every replay (seen in the chunked crash test about one run in four).
 *
 * A finish without its event never happened as far as the run is concerned, so the claim is released
 * and the record put back to "running": the step runs again, as any step caught by a crash does.
 * Only for a world nothing is writing to: call it before the world starts.
 *
 * Answers the steps it repaired, as `<runId>-<stepId>`.
 */
export async function repairInterruptedSteps(dataDir: string): Promise<string[]> {
  const locks = join(dataDir, ".locks", "steps");
  const claims = (await listOrEmpty(locks)).filter((name) => name.endsWith(".terminal"));
  if (claims.length === 0) return [];

  const finishedByRun = new Map<string, Promise<Set<string>>>();
  const repaired: string[] = [];
  for (const claim of claims) {
    const key = claim.slice(0, -".terminal".length);
    const split = key.indexOf("-step_");
    if (split < 0) continue;
    const [runId, stepId] = [key.slice(0, split), key.slice(split + 1)];
    let finished = finishedByRun.get(runId);
    if (!finished) {
      finished = finishedSteps(dataDir, runId);
      finishedByRun.set(runId, finished);
    }
    if ((await finished).has(stepId)) continue;

    const recordPath = join(dataDir, "steps", `${key}.json`);
    const record = await readRecord(recordPath);
    if (record && (record.status === "completed" || record.status === "failed")) {
      const { output: _output, error: _error, completedAt: _completedAt, ...rest } = record;
      await writeAtomically(recordPath, JSON.stringify({ ...rest, status: "running" }, null, 2));
    }
    await rm(join(locks, claim), { force: true });
    repaired.push(key);
  }
  return repaired;
}

/** The steps of one run whose finish is in its event log. */
async function finishedSteps(dataDir: string, runId: string): Promise<Set<string>> {
  const events = join(dataDir, "events");
  const names = (await listOrEmpty(events)).filter((n) => n.startsWith(`${runId}-`) && n.endsWith(".json"));
  const finished = new Set<string>();
  for (const name of names) {
    const event = await readRecord(join(events, name));
    if (event?.eventType === "step_completed" || event?.eventType === "step_failed")
      finished.add(String(event.correlationId));
  }
  return finished;
}

async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** A record, or null when it is missing or unreadable (the world writes by rename, so rarely). */
async function readRecord(path: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return null;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.repair`;
  await writeFile(temp, text);
  await rename(temp, path);
}
