import { scanNextPaths } from "./dev-command.ts";
import { scanFunctions } from "./functions.ts";
import type { ModuleLoader } from "./loader.ts";
import type { Project } from "./project.ts";
import { loadProjectConfig, type ProjectConfig } from "./vercel-config.ts";

/**
 * Keeps the project current in dev: vercel.json re-read on change (then `onConfig`, which
 * re-schedules the crons), api/ re-scanned when a file is added or removed, the web app's paths
 * likewise. A change to a function's code needs nothing here: the loader re-runs what it touched.
 * A failed reload is logged and the project keeps what it had.
 */
export function reloadOnChange(
  project: Project,
  loader: ModuleLoader,
  onConfig: (config: ProjectConfig) => void,
): void {
  const webPrefix = `${project.webDir.slice(project.root.length + 1)}/`;
  loader.onChange(async (file, event) => {
    try {
      if (file === "vercel.json") {
        project.config = await loadProjectConfig(project.root);
        onConfig(project.config);
        console.log("[runtime] vercel.json reloaded");
      } else if (file.startsWith("api/") && event !== "change") {
        project.functions = await scanFunctions(project.root);
      } else if (file.startsWith(webPrefix) && event !== "change") {
        project.appPaths = await scanNextPaths(project.webDir);
      }
    } catch (error) {
      console.error(`[runtime] could not reload after ${file} changed:`, (error as Error).message);
    }
  });
}
