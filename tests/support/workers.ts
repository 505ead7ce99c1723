/**
 * Workers: `pnpm start` processes on one Postgres world (WORKFLOW_TARGET_WORLD=postgres), each in a
 * child process of its own (tests/support/serve-worker.mjs), sharing a database and a blob
 * directory as workers on several machines would share a server and a bucket. Each keeps its output,
 * so a test can read what it logged (the chunks it analysed).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.js";

const SCRIPT = join(REPO_ROOT, "tests/support/serve-worker.mjs");

/**
 * The flags `pnpm start` gives node (api/package.json's start script: its heap caps and how V8
 * manages the heap), read from the script itself so that a start-mode worker's and the bench's
 * runtime is the one `pnpm start` runs. Why each flag: tests/bench/measure.ts.
 */
export function startNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, "api/package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const words = scripts.start.split(/\s+/);
  // `node <flags> <script> …`: the flags are the words between.
  return words.slice(
    1,
    words.findIndex((word, i) => i > 0 && !word.startsWith("--")),
  );
}

export interface Worker {
  name: string;
  url: string;
  process: ChildProcess;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Everything it printed on stderr so far. */
  errors(): string;
  /** SIGKILL: nothing flushed, nothing handed back, as a machine that loses power. */
  kill(): Promise<void>;
  /** SIGTERM: the runtime closes, and its queue worker hands back the messages it held. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/**
 * Starts one worker with `env` on top of this process's environment, and answers once it serves
 * (its Postgres world's schema applied and its queue worker started).
 */
export async function startWorker(
  name: string,
  env: Record<string, string>,
  mode: "start" | "dev" = "start",
): Promise<Worker> {
  const port = await freePort();
  const flags = mode === "start" ? startNodeFlags() : [];
  const child = spawn(process.execPath, [...flags, SCRIPT, REPO_ROOT, String(port), mode], {
    env: { ...process.env, WORKFLOW_TARGET_WORLD: "postgres", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    err += chunk;
    process.stderr.write(chunk);
  });
  // Read its output for its whole life: a closed pipe would kill it with EPIPE on its next log.
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    out += chunk;
  });
  const url = await new Promise<string>((ok, fail) => {
    const onData = () => {
      const ready = /ready (http:\/\/\S+)/.exec(out);
      if (ready?.[1]) {
        child.stdout?.off("data", onData);
        child.off("exit", onExit);
        ok(ready[1]);
      }
    };
    const onExit = () => fail(new Error(`worker ${name} exited before it was ready: ${out}${err}`));
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill(signal);
    await exited;
  };
  return {
    name,
    url,
    process: child,
    output: () => out,
    errors: () => err,
    kill: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
  };
}

/** Starts `n` workers (w1 … wn) one after another: the first applies the world's schema. */
export async function startWorkers(
  n: number,
  env: Record<string, string>,
  mode: "start" | "dev" = "start",
): Promise<Worker[]> {
  const workers: Worker[] = [];
  try {
    for (let i = 1; i <= n; i++) workers.push(await startWorker(`w${i}`, env, mode));
  } catch (error) {
    await Promise.all(workers.map((w) => w.kill()));
    throw error;
  }
  return workers;
}
