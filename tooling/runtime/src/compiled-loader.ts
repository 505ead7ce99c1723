import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { utimes } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mapCompiledFrames } from "./compiled-stack-traces.ts";
import { collectSources, compiledName, sourcesKey } from "./function-sources.ts";
import type { FunctionModule } from "./invoke.ts";
import type { ModuleLoader } from "./loader.ts";

/** Where compiled sets live under the project root: ignored by git, never seen by Vercel's build. */
export const COMPILED_DIR = "node_modules/.cache/vercel-local/functions";

/** Bumped when what compileSources writes changes shape, so older sets are not reused. */
const FORMAT = "1";

/**
 * Loads function modules as `vercel-local start` runs them: the project's TypeScript (the function
 * files, what they import by relative paths, the local config) compiled to JavaScript once, ahead of
 * the first import, and imported by Node itself, as are the packages (their `dist`). No Vite and no
 * compiler in the serving process: the compiling runs in a child process (compile-child.ts) whose
 * memory leaves with it, and only when the sources changed since a start compiled them (the set is
 * named by a hash of its files: function-sources.ts). Nothing is watched: `start` serves what it
 * started with, as a deployment does.
 *
 * `entries` are the files `load` will be asked for; another one is refused, since compiling it
 * later would give the modules it shares with the others a second instance.
 */
export async function createCompiledLoader(opts: { root: string; entries: string[] }): Promise<ModuleLoader> {
  const { root } = opts;
  const sources = collectSources(root, opts.entries);
  const files = new Set(sources.map((source) => source.file));
  const outDir = join(root, COMPILED_DIR, sourcesKey(sources, `${FORMAT} rolldown ${rolldownVersion()}`));
  // A set's time says when a process last used it: sets unused for a week are removed
  // (function-compiler.ts), and a running worker imports each function on its first request.
  const touch = () => utimes(outDir, new Date(), new Date()).catch(() => {});
  if (existsSync(outDir)) await touch();
  else await compileInChild({ root, files: [...files], outDir });
  mapCompiledFrames(outDir);
  const loaded = new Map<string, Promise<FunctionModule>>();
  return {
    load(file) {
      let mod = loaded.get(file);
      if (!mod) {
        if (!files.has(file)) {
          return Promise.reject(
            new Error(
              `${file} was not compiled when this runtime started (start mode loads the files it started with)`,
            ),
          );
        }
        mod = import(pathToFileURL(join(outDir, compiledName(file))).href) as Promise<FunctionModule>;
        loaded.set(file, mod);
        void touch();
      }
      return mod;
    },
    onChange() {},
    close: async () => {},
  };
}

function compileInChild(job: { root: string; files: string[]; outDir: string }): Promise<void> {
  const script = new URL(
    `./compile-child${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
    import.meta.url,
  );
  // Node's default heap, not the server's caps; none of the server's NODE_OPTIONS.
  const child = spawn(process.execPath, [fileURLToPath(script)], {
    env: { ...process.env, NODE_OPTIONS: "", MIMALLOC_ARENA_EAGER_COMMIT: "0", MIMALLOC_ALLOW_THP: "0" },
    stdio: ["pipe", "inherit", "pipe"],
  });
  let errors = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    errors += chunk;
  });
  child.stdin.end(JSON.stringify(job));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(errors.trim() || `compiling the functions failed (exit code ${code})`));
    });
  });
}

function rolldownVersion(): string {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve("rolldown/package.json"), "utf8")) as { version: string })
    .version;
}
