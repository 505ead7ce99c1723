import { dirname, join, resolve } from "node:path";
import { scanNextPaths } from "./dev-command.ts";
import { type FunctionMatch, type FunctionRoute, matchFunction, scanFunctions } from "./functions.ts";
import { findStaticFile, type StaticFile } from "./static-files.ts";
import { loadProjectConfig, type ProjectConfig } from "./vercel-config.ts";

/**
 * What the runtime knows of the project: vercel.json, the api/ functions and (in dev) the web app's
 * paths. The request handler reads it on every request, so a reload (reload.ts) that replaces a
 * field takes effect on the next request.
 */
export interface Project {
  readonly root: string;
  readonly dev: boolean;
  /** vercel.json's outputDirectory (the built web app), or public/. */
  readonly outputDir: string;
  /** The web app's folder: the output directory's parent, or the root. */
  readonly webDir: string;
  config: ProjectConfig;
  functions: FunctionRoute[];
  /** In dev, the paths the web app's dev server serves; empty in start. */
  appPaths: Set<string>;
}

/** What the filesystem phase of Vercel's routing finds at a path. */
export type Hit =
  | { type: "function"; match: FunctionMatch }
  | { type: "static"; file: StaticFile }
  | { type: "app" };

export async function loadProject(rootDir: string, dev: boolean): Promise<Project> {
  const root = resolve(rootDir);
  const config = await loadProjectConfig(root);
  const outputDir = join(root, config.raw.outputDirectory ?? "public");
  const webDir = config.raw.outputDirectory ? dirname(outputDir) : root;
  return {
    root,
    dev,
    outputDir,
    webDir,
    config,
    functions: await scanFunctions(root),
    appPaths: dev ? await scanNextPaths(webDir) : new Set<string>(),
  };
}

/**
 * The filesystem phase: a function, else in dev the web app's dev server (its own paths and
 * assets), else in start a file of the static output.
 */
export function findHit(project: Project, pathname: string): { found: Hit } | null {
  const fn = matchFunction(project.functions, pathname);
  if (fn) return { found: { type: "function", match: fn } };
  if (project.dev) {
    if (
      pathname.startsWith("/_next/") ||
      pathname.startsWith("/__nextjs") ||
      project.appPaths.has(pathname)
    ) {
      return { found: { type: "app" } };
    }
    return null;
  }
  const file = findStaticFile(project.outputDir, pathname, project.config.cleanUrls);
  return file ? { found: { type: "static", file } } : null;
}
