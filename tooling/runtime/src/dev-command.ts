import { type ChildProcess, spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { join, sep } from "node:path";
import { forwardDevOutput } from "./dev-output.ts";

/** A free TCP port on loopback, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export interface DevCommand {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts vercel.json's `devCommand` (the framework's dev server) with `$PORT` set to a private
 * port, as `vercel dev` does, and waits until it listens. Its output is ours, less the lines that
 * name that port (dev-output.ts).
 */
export async function startDevCommand(
  command: string,
  cwd: string,
  timeoutMs = 120_000,
): Promise<DevCommand> {
  const port = await freePort();
  const child = spawn(command, {
    cwd,
    shell: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: String(port) },
    detached: process.platform !== "win32",
  });
  // Through a filter: the dev server's banner names its private port, which is not the app's URL.
  if (child.stdout) forwardDevOutput(child.stdout, process.stdout, port);
  if (child.stderr) forwardDevOutput(child.stderr, process.stderr, port);
  const signal = () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      child.kill("SIGTERM");
    }
  };
  // The dev server runs in a process group of its own, which outlives this process unless told:
  // however this process ends short of SIGKILL (a second Ctrl-C exits at once), the group is told.
  process.once("exit", signal);
  child.once("exit", () => process.off("exit", signal));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.pid === undefined) return resolve();
      child.once("exit", () => resolve());
      signal();
    });
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null) throw new Error(`devCommand exited with code ${child.exitCode}: ${command}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`devCommand did not listen on port ${port} within ${timeoutMs} ms: ${command}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, child, stop };
}

const PAGE_FILE = /^page\.(?:tsx|ts|jsx|js|mdx)$/;

/**
 * The URL paths a Next.js app serves from its `app/` and `public/` folders, so that in dev the
 * filesystem phase (which decides whether a rewrite applies) knows them without asking Next.
 */
export async function scanNextPaths(webDir: string): Promise<Set<string>> {
  const paths = new Set<string>();
  for (const appDir of [join(webDir, "app"), join(webDir, "src", "app")]) {
    let entries: string[] = [];
    try {
      entries = await readdir(appDir, { recursive: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const parts = entry.split(sep);
      const last = parts.pop();
      if (!last || !PAGE_FILE.test(last)) continue;
      const segments = parts.filter((p) => !(p.startsWith("(") && p.endsWith(")")) && !p.startsWith("@"));
      paths.add(`/${segments.join("/")}`);
    }
  }
  try {
    for (const entry of await readdir(join(webDir, "public"), { recursive: true })) {
      paths.add(`/${entry.split(sep).join("/")}`);
    }
  } catch {}
  return paths;
}
