import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { filterConsoleErrors, workflowFatalErrors } from "./console-filter.ts";
import { endOfLifeNote } from "./node-support.ts";
import { captureConsole } from "./observe/invocation-console.ts";
import { setProcessEnv } from "./process-env.ts";
import { createRuntime } from "./server.ts";

const USAGE = `vercel-local <dev|start> [--root DIR] [--port N] [--host H] [--no-crons]
vercel-local cron <path> [--root DIR]

  dev         functions from source, reloaded on change; the web app from vercel.json's devCommand
  start       production-like: the built static output and compiled packages
  cron PATH   invoke vercel.json's cron job for PATH once, as its schedule would, on a runtime of
              the functions alone (dev mode, no devCommand, no schedules), and print its answer

  The port is --port, else $PORT, else 3000.
  vercel.json's crons run on their schedules (UTC) unless --no-crons; each request carries
  "Authorization: Bearer $CRON_SECRET", a random secret when CRON_SECRET is not set.`;

/** `vercel-local dev|start`: the entry point of `pnpm dev` and `pnpm start`. */
export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      root: { type: "string", default: "." },
      port: { type: "string" },
      host: { type: "string" },
      help: { type: "boolean", short: "h" },
      "no-crons": { type: "boolean" },
    },
  });
  const mode = positionals[0];
  // This process's console is the developer's: the Workflow SDK's FatalError entries, one line each.
  // The capture of each invocation's output goes under the filter, so that what it keeps and prints
  // for an invocation is the rewritten line.
  captureConsole();
  filterConsoleErrors([workflowFatalErrors()]);
  if (mode === "cron" && !values.help) {
    await runCron(positionals[1], values.root);
    return;
  }
  if (values.help || (mode !== "dev" && mode !== "start")) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`vercel-local: ${values.port ?? process.env.PORT} is not a port number`);
    process.exitCode = 2;
    return;
  }
  // Before anything loads: Vite (the function loader) sets NODE_ENV to "development" when unset.
  if (mode === "start") setProcessEnv({ NODE_ENV: "production" }, { keep: true });
  // Functions on Vercel run with the project root as their working directory.
  const root = resolve(values.root);
  process.chdir(root);
  const crons = !values["no-crons"];
  const runtime = await createRuntime({ root, mode, port, host: values.host, log: true, crons });
  const count = runtime.functions().length;
  const cronCount = runtime.crons().length;
  const cronNote =
    cronCount === 0
      ? ""
      : `, ${cronCount} cron job${cronCount === 1 ? "" : "s"}${crons ? "" : " not scheduled (--no-crons)"}`;
  console.log(
    `\n  ▲ ${mode === "dev" ? "Dev" : "Production-like"} runtime ready on ${runtime.url} (${count} functions${cronNote})\n` +
      (mode === "start" ? endOfLifeNote(process.versions.node) : ""),
  );
  let closing = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (closing) process.exit(1);
      closing = true;
      void runtime.close().then(() => process.exit(0));
    });
  }
}

/** `vercel-local cron <path>`: one invocation of a cron job, its status as the exit code. */
async function runCron(path: string | undefined, rootDir: string): Promise<void> {
  if (!path) {
    console.error("vercel-local cron: name the path of a cron job in vercel.json, e.g. /api/cron/reconcile");
    process.exitCode = 2;
    return;
  }
  const root = resolve(rootDir);
  process.chdir(root);
  const runtime = await createRuntime({ root, mode: "dev", port: 0, app: false, crons: false });
  try {
    const response = await runtime.runCron(path);
    const body = await response.text();
    if (body) console.log(body);
    process.exitCode = response.ok ? 0 : 1;
  } finally {
    await runtime.close();
  }
}
