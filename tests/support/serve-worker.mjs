// One worker as `pnpm start` runs it (functions from the packages' dist, no app), in its own process,
// for tests and benches that start several on one Postgres world and kill some:
// node serve-worker.mjs <root> <port> [start|dev]. Prints "ready <url>" once it serves; SIGTERM
// closes it as the CLI does (its queue worker hands its messages back), SIGKILL does not.
const [root, port, mode = "start"] = process.argv.slice(2);
// As the CLI does before anything loads (cli.ts): in start mode the function loader then compiles
// the functions ahead of import and Node imports them and the packages' dist, without Vite, as
// `pnpm start` does. Without it Vite ran every package through its module runner, and a worker's
// memory was not pnpm start's.
if (mode !== "dev") process.env.NODE_ENV ??= "production";
process.chdir(root);
const { createRuntime } = await import("@repo/runtime");
const runtime = await createRuntime({
  root,
  mode: mode === "dev" ? "dev" : "start",
  port: Number(port),
  app: false,
  crons: false,
});
console.log(`ready ${runtime.url}`);
process.on("SIGTERM", () => void runtime.close().then(() => process.exit(0)));
