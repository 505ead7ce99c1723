import { join } from "node:path";
import { createServer, type ViteDevServer } from "vite";
import type { FunctionModule } from "./invoke.ts";

export interface ModuleLoader {
  load(file: string): Promise<FunctionModule>;
  /** Called with a project-relative path when a file is added, changed or removed. */
  onChange(listener: (file: string, event: "add" | "change" | "unlink") => void): void;
  close(): Promise<void>;
}

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
 * Loads function modules through Vite's module runner: TypeScript without a build step, and a
 * module graph, so a change to a file re-runs only the modules that import it on the next request.
 * In `production` mode workspace packages resolve to their compiled `dist`, as they do on Vercel;
 * in `development` mode to their sources (the `development` export condition).
 */
export async function createModuleLoader(opts: {
  root: string;
  mode: "development" | "production";
  watch: boolean;
}): Promise<ModuleLoader> {
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
  // only the modules the change invalidated.
  const loaded = new Map<string, Promise<FunctionModule>>();
  vite.watcher?.on("all", () => loaded.clear());
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
