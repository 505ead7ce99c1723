import { join } from "node:path";
import type { ViteDevServer } from "vite";
import { createCompiledLoader } from "./compiled-loader.ts";
import type { FunctionModule } from "./invoke.ts";
import { setProcessEnv } from "./process-env.ts";

export interface ModuleLoader {
  load(file: string): Promise<FunctionModule>;
  /** Called with a project-relative path when a file is added, changed or removed. */
  onChange(listener: (file: string, event: "add" | "change" | "unlink") => void): void;
  close(): Promise<void>;
}

/**
 * Settings of mimalloc, the allocator inside Vite's rolldown binding, read once when the binding
 * loads. By default it commits its 1 GiB arena at once and lets Linux back it with 2 MiB huge pages,
 * so the few KiB rolldown allocates per transform held 30–36 MB resident in every process that
 * loaded Vite (`pnpm start` did then; `pnpm dev` does)
 * (issue 13's memory breakdown: the arena's Rss, AnonHugePages in smaps); committing on demand
 * in ordinary pages keeps it under 1 MB, at no measurable cost to a transform.
 */
export const ROLLDOWN_ALLOCATOR_ENV = { MIMALLOC_ARENA_EAGER_COMMIT: "0", MIMALLOC_ALLOW_THP: "0" };

/** Folders the watcher never needs: build output, caches, stored data. */
const IGNORED = [
  "**/node_modules/**",
  "**/.git/**",
  "**/.next/**",
  "**/out/**",
  "**/.vercel/**",
  "**/.turbo/**",
  "**/.data/**",
  "**/dist/**",
];

/**
 * Loads function modules.
 *
 * In `production` mode where packages resolve to their compiled `dist` (see packagesResolveToDist:
 * `vercel-local start`), without Vite: the project's TypeScript is compiled ahead of the first
 * import and Node imports it and the packages itself (compiled-loader.ts). Vite, rolldown and
 * their module graph took ~45 MB of every `pnpm start` worker (issue 13's breakdown), and the
 * handler code ran under Node in that mode already (issue 15: through Vite's module runner it took
 * nearly twice the CPU). `entries` are the files that will be loaded (functions, local config).
 *
 * Otherwise through Vite's module runner: TypeScript without a build step, and a module graph, so a
 * change to a file re-runs only the modules that import it on the next request. In `development`
 * mode packages resolve to their sources (the `development` export condition) and stay in the
 * module graph, so an edit to one re-runs what imports it. `production` mode with packages from
 * their sources (a test runner's `--conditions development`, which Node cannot follow to
 * TypeScript) keeps Vite, with its module graph, and serves what it loaded until a change.
 */
export async function createModuleLoader(opts: {
  root: string;
  mode: "development" | "production";
  watch: boolean;
  entries?: string[];
}): Promise<ModuleLoader> {
  if (opts.mode === "production" && packagesResolveToDist())
    return createCompiledLoader({ root: opts.root, entries: opts.entries ?? [] });
  // Before Vite (and so rolldown) is imported: this module imports it lazily for that reason.
  setProcessEnv(ROLLDOWN_ALLOCATOR_ENV, { keep: true });
  const { createServer } = await import("vite");
  const vite: ViteDevServer = await createServer({
    configFile: false,
    envDir: false,
    root: opts.root,
    mode: opts.mode,
    logLevel: "warn",
    clearScreen: false,
    appType: "custom",
    server: {
      middlewareMode: true,
      hmr: false,
      ws: false,
      watch: opts.watch ? { ignored: IGNORED } : null,
    },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  // Vite checks its module graph on every ssrLoadModule call; a warm function should not pay for
  // that. Loaded modules are kept until the watcher reports any change, after which Vite re-runs
  // only the modules the change invalidated. Vite's own change handler invalidates the graph only
  // after awaiting its plugins' watchChange hooks: a request in that gap got the old module, which
  // this map then kept until the next change (1 run in 10 of a test that edits a function). So the
  // graph is invalidated here first, synchronously, and only then is the map cleared; Vite's later
  // invalidation of the same file is harmless.
  const loaded = new Map<string, Promise<FunctionModule>>();
  vite.watcher?.on("all", (event: string, path: string) => {
    for (const environment of Object.values(vite.environments)) {
      if (event === "change") environment.moduleGraph.onFileChange(path);
      else if (event === "unlink") environment.moduleGraph.onFileDelete(path);
    }
    loaded.clear();
  });
  return {
    load(file) {
      let mod = loaded.get(file);
      if (!mod) {
        mod = vite.ssrLoadModule(join(opts.root, file)) as Promise<FunctionModule>;
        mod.catch(() => loaded.delete(file));
        loaded.set(file, mod);
      }
      return mod;
    },
    onChange(listener) {
      for (const event of ["add", "change", "unlink"] as const) {
        vite.watcher.on(event, (path: string) => {
          const rel = path.startsWith(opts.root) ? path.slice(opts.root.length + 1) : path;
          listener(rel.split("\\").join("/"), event);
        });
      }
    },
    close: () => vite.close(),
  };
}

/**
 * Whether workspace packages resolve to their compiled JavaScript both for Vite (which picks the
 * `development` export condition unless NODE_ENV is production; the CLI sets it for `start`) and
 * for Node, which resolves the imports inside them (a `--conditions development` flag, as test
 * runners pass, would send those to TypeScript sources Node cannot load).
 */
function packagesResolveToDist(): boolean {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  return process.env.NODE_ENV === "production" && !/(?:--conditions|-C)[= ]development\b/.test(flags);
}
