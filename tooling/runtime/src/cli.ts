import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createRuntime } from "./server.js";

const USAGE = `vercel-local <dev|start> [--root DIR] [--port N] [--host H]

  dev     functions from source, reloaded on change; the web app from vercel.json's devCommand
  start   production-like: the built static output and compiled packages

  The port is --port, else $PORT, else 3000.`;

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
    },
  });
  const mode = positionals[0];
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
  if (mode === "start") process.env.NODE_ENV ??= "production";
  // Functions on Vercel run with the project root as their working directory.
  const root = resolve(values.root);
  process.chdir(root);
  const runtime = await createRuntime({ root, mode, port, host: values.host, log: true });
  const count = runtime.functions().length;
  console.log(
    `\n  ▲ ${mode === "dev" ? "Dev" : "Production-like"} runtime ready on ${runtime.url} (${count} functions)\n`,
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
