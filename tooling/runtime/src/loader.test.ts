import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createModuleLoader, ROLLDOWN_ALLOCATOR_ENV } from "./loader.ts";

const run = promisify(execFile);
const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), "..");
const NAMES = Object.keys(ROLLDOWN_ALLOCATOR_ENV);

/**
 * A fresh Node process that loads Vite with `env` added and transforms a few TypeScript files, then
 * says how much of rolldown's 1 GiB allocator arena is resident, in KiB.
 */
async function arenaKiB(env: Record<string, string>): Promise<number> {
  const script = `
    const { readFileSync } = await import("node:fs");
    const { transformWithOxc } = await import("vite");
    for (let i = 0; i < 20; i++) {
      await transformWithOxc("export const f = (x: number): string => String(x) + " + i + ";", "f" + i + ".ts");
    }
    const lines = readFileSync("/proc/self/smaps", "utf8").split("\\n");
    let kib = 0;
    lines.forEach((line, i) => {
      const m = /^([0-9a-f]+)-([0-9a-f]+) rw-p 00000000 00:00 0\\s*$/.exec(line);
      if (!m || parseInt(m[2], 16) - parseInt(m[1], 16) !== 2 ** 30) return;
      let j = i + 1;
      while (!lines[j].startsWith("Rss:")) j++;
      kib += Number(/(\\d+)/.exec(lines[j])[1]);
    });
    console.log(kib);
  `;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    cwd: PACKAGE,
    env: { ...process.env, ...env },
  });
  return Number(stdout.trim());
}

describe("createModuleLoader", () => {
  const saved = NAMES.map((name) => process.env[name]);
  afterEach(() => {
    NAMES.forEach((name, i) => {
      if (saved[i] === undefined) delete process.env[name];
      else process.env[name] = saved[i];
    });
  });

  it("sets rolldown's allocator to commit on demand in ordinary pages, unless the developer chose", async () => {
    for (const name of NAMES) delete process.env[name];
    process.env.MIMALLOC_ALLOW_THP = "1";
    const root = await mkdtemp(join(tmpdir(), "runtime-loader-"));
    try {
      await writeFile(join(root, "f.ts"), "export const answer: number = 42;\n");
      const loader = await createModuleLoader({ root, mode: "production", watch: false });
      try {
        expect(await loader.load("f.ts")).toMatchObject({ answer: 42 });
      } finally {
        await loader.close();
      }
      expect({ eager: process.env.MIMALLOC_ARENA_EAGER_COMMIT, thp: process.env.MIMALLOC_ALLOW_THP }).toEqual(
        {
          eager: "0",
          thp: "1",
        },
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  // Where Linux hands out huge pages on request (madvise, or always), rolldown's arena held 30 MB
  // or more after a few transforms; with these settings, a few hundred KiB.
  const thp = existsSync("/sys/kernel/mm/transparent_hugepage/enabled")
    ? readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8")
    : "";
  it.runIf(/\[(madvise|always)\]/.test(thp))(
    "keeps rolldown's arena from holding huge pages after transforms",
    { timeout: 30_000 },
    async () => {
      const defaults = await arenaKiB(Object.fromEntries(NAMES.map((name) => [name, ""])));
      const settled = await arenaKiB(ROLLDOWN_ALLOCATOR_ENV);
      expect(settled).toBeLessThan(4096);
      expect(defaults).toBeGreaterThan(settled);
    },
  );
});
