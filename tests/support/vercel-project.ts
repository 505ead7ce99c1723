import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./paths.js";

const run = promisify(execFile);

/** Build output, caches and local state that a copy of the project must not carry. */
const LEAVE_OUT = new Set([
  ".git",
  "node_modules",
  ".next",
  "out",
  ".turbo",
  ".vercel",
  ".data",
  "test-results",
]);

/**
 * A private copy of the project (sources and built packages, no node_modules), installed from
 * pnpm's store without the network, for the Vercel CLI to work in: `vercel build` writes
 * .vercel/ and `vercel dev` must not find a project.json, so neither may touch the checkout.
 */
export async function copyProject(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "vercel-project-"));
  await cp(REPO_ROOT, dir, {
    recursive: true,
    filter: (source) => !LEAVE_OUT.has(basename(source)),
  });
  await run("pnpm", ["install", "--offline", "--frozen-lockfile", "--prefer-offline"], {
    cwd: dir,
    env: { ...process.env, CI: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

const CLI_ENV = {
  VERCEL_TELEMETRY_DISABLED: "1",
  NEXT_TELEMETRY_DISABLED: "1",
  FORCE_COLOR: "0",
};

/** Runs `vercel build` offline with a hand-written project link, as the CLI would write it. */
export async function vercelBuild(dir: string): Promise<{ stdout: string; stderr: string }> {
  await mkdir(join(dir, ".vercel"), { recursive: true });
  await writeFile(
    join(dir, ".vercel", "project.json"),
    JSON.stringify({
      projectId: "prj_local_build_test",
      orgId: "team_local_build_test",
      settings: { framework: null },
    }),
  );
  return run("pnpm", ["exec", "vercel", "build", "--yes"], {
    cwd: dir,
    env: { ...process.env, ...CLI_ENV },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
}

export interface VercelDev {
  url: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts `vercel dev --local` (Vercel's own local runtime) and waits until it answers. */
export async function startVercelDev(
  dir: string,
  port: number,
  readyPath = "/api/health",
): Promise<VercelDev> {
  const child = spawn(
    "pnpm",
    ["exec", "vercel", "dev", "--local", "--yes", "--listen", `127.0.0.1:${port}`],
    {
      cwd: dir,
      env: { ...process.env, ...CLI_ENV },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vercel dev exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(30_000) });
      if (res.status < 500) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`vercel dev did not answer within 180 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, child, stop };
}
