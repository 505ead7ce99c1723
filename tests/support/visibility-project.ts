import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * A small Vercel project for the runtime's visibility tests: functions whose durations, failures
 * and console output are known in advance, one with a memory setting, and a cron job.
 */
const FILES: Record<string, string> = {
  "vercel.json": JSON.stringify({
    functions: { "api/sleep.ts": { memory: 512, maxDuration: 10 } },
    crons: [{ path: "/api/sleep?ms=1", schedule: "0 0 1 1 *" }],
    // A sensitive function reached under a path that does not say so.
    rewrites: [{ source: "/checkout", destination: "/api/validate/card" }],
  }),
  // Stands for the app's card check: an endpoint whose query values are never shown.
  "api/validate/card.ts": `export function GET() {
  return new Response(null, { status: 204 });
}
`,
  // Waits `ms`, then answers the request id it was given.
  "api/sleep.ts": `export async function GET(request: Request) {
  const ms = Number(new URL(request.url).searchParams.get("ms") ?? 0);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return Response.json({ slept: ms, requestId: request.headers.get("x-vercel-id") });
}
`,
  "api/fail.ts": `export function GET(request: Request) {
  if (new URL(request.url).searchParams.has("card")) throw new Error("declined 4242 4242 4242 4242");
  throw new Error("fails on purpose");
}
`,
  // Logs before and after a wait, so that concurrent invocations' lines interleave in time.
  "api/chatty.ts": `export async function GET(request: Request) {
  const tag = new URL(request.url).searchParams.get("tag");
  console.log("start", tag);
  await new Promise((resolve) => setTimeout(resolve, 30));
  console.warn("end", tag);
  return Response.json({ tag });
}
`,
  // Logs, then runs past the second after which the runtime prints its output as it comes.
  "api/slow-log.ts": `export async function GET() {
  console.log("begun");
  await new Promise((resolve) => setTimeout(resolve, 1300));
  console.log("done");
  return new Response("ok");
}
`,
  "api/leaky.ts": `export function POST() {
  console.log("charging card 4242 4242 4242 4242 for order 17");
  return new Response(null, { status: 204 });
}
`,
};

export async function writeVisibilityProject(): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "runtime-visibility-"));
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
