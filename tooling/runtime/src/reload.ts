import { scanNextPaths } from "./dev-command.ts";
import { scanFunctions } from "./functions.ts";
import type { ModuleLoader } from "./loader.ts";
import type { Project } from "./project.ts";
import { loadProjectConfig, type ProjectConfig } from "./vercel-config.ts";

/**
 * How long vercel.json must stay unchanged before it is read. A save that truncates the file and
 * then writes it is two changes, and the watcher reports the first and drops a second one within
 * 50 ms of it: read at once, the empty file was taken for the new config and the full one never
 * came (a flaky test showed it). Read once the writes have settled, it is the file as saved.
 */
export const CONFIG_SETTLE_MS = 100;

/**
 * Keeps the project current in dev: vercel.json re-read once a change settles (then `onConfig`,
 * which re-schedules the crons), api/ re-scanned when a file is added or removed, the web app's
 * paths likewise. A change to a function's code needs nothing here: the loader re-runs what it
 * touched. A failed reload is logged and the project keeps what it had. Returns what stops it.
 */
export function reloadOnChange(
  project: Project,
  loader: ModuleLoader,
  onConfig: (config: ProjectConfig) => void,
): () => void {
  const webPrefix = `${project.webDir.slice(project.root.length + 1)}/`;
  let stopped = false;
  let configTimer: NodeJS.Timeout | undefined;
  const reloadConfig = async () => {
    configTimer = undefined;
    try {
      const config = await loadProjectConfig(project.root);
      if (stopped) return;
      project.config = config;
      onConfig(config);
      console.log("[runtime] vercel.json reloaded");
    } catch (error) {
      if (!stopped)
        console.error("[runtime] could not reload after vercel.json changed:", (error as Error).message);
    }
  };
  loader.onChange(async (file, event) => {
    if (stopped) return;
    try {
      if (file === "vercel.json") {
        clearTimeout(configTimer);
        configTimer = setTimeout(reloadConfig, CONFIG_SETTLE_MS);
      } else if (file.startsWith("api/") && event !== "change") {
        project.functions = await scanFunctions(project.root);
      } else if (file.startsWith(webPrefix) && event !== "change") {
        project.appPaths = await scanNextPaths(project.webDir);
      }
    } catch (error) {
      console.error(`[runtime] could not reload after ${file} changed:`, (error as Error).message);
    }
  });
  return () => {
    stopped = true;
    clearTimeout(configTimer);
  };
}
