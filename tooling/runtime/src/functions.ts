import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import ignore from "ignore";

/** Source files Vercel builds into functions. */
const FUNCTION_FILE = /\.(?:[cm]?[jt]s|tsx)$/;

export interface FunctionRoute {
  /** Path relative to the project root, with forward slashes: `api/card-brands/[brand].ts`. */
  file: string;
  /** The URL path it answers: `/api/card-brands/[brand]`. */
  path: string;
  /** Names of the dynamic segments, in order. */
  params: string[];
  regex: RegExp;
}

export interface FunctionMatch {
  route: FunctionRoute;
  /** The values of the dynamic segments, which Vercel passes in the query string. */
  params: Record<string, string>;
}

function toRoute(file: string): FunctionRoute {
  let path = `/${file.replace(FUNCTION_FILE, "")}`;
  if (path.endsWith("/index")) path = path.slice(0, -"/index".length);
  const params: string[] = [];
  const pattern = path
    .split("/")
    .map((segment) => {
      const dynamic = /^\[([^\]/.]+)\]$/.exec(segment);
      if (dynamic?.[1]) {
        params.push(dynamic[1]);
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { file, path, params, regex: new RegExp(`^${pattern}/?$`) };
}

/**
 * Every function under `api/` as Vercel sees it: one file, one function; files and folders whose
 * name starts with `_` or `.` are helpers, as are type declarations and whatever .vercelignore names.
 * Static paths win over dynamic ones, then the one with fewer dynamic segments.
 */
export async function scanFunctions(root: string): Promise<FunctionRoute[]> {
  const ig = ignore();
  try {
    ig.add(await readFile(join(root, ".vercelignore"), "utf8"));
  } catch {}
  const files: string[] = [];
  try {
    await listSources(join(root, "api"), "api", files);
  } catch {
    return [];
  }
  return files
    .filter((file) => FUNCTION_FILE.test(file) && !file.endsWith(".d.ts") && !ig.ignores(file))
    .map(toRoute)
    .sort((a, b) => a.params.length - b.params.length || b.path.length - a.path.length);
}

/**
 * The files under a folder, as project-relative paths, leaving out what can hold no function:
 * names starting with `_` or `.`, and node_modules. Walked by hand, not with readdir's `recursive`,
 * which on Node 20 follows pnpm's symlinks into node_modules: hundreds of thousands of paths, seconds
 * of start-up and more heap than `pnpm start`'s 256 MB.
 */
async function listSources(dir: string, rel: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const { name } = entry;
    if (name.startsWith("_") || name.startsWith(".") || name === "node_modules") continue;
    if (entry.isDirectory()) await listSources(join(dir, name), `${rel}/${name}`, out);
    else out.push(`${rel}/${name}`);
  }
}

/** The function that answers a URL path, if any. */
export function matchFunction(routes: FunctionRoute[], pathname: string): FunctionMatch | null {
  for (const route of routes) {
    const m = route.regex.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.params.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? "");
    });
    return { route, params };
  }
  return null;
}
