import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
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
  const apiDir = join(root, "api");
  let entries: string[];
  try {
    entries = await readdir(apiDir, { recursive: true });
  } catch {
    return [];
  }
  const files = entries
    .map((entry) => `api/${entry.split(sep).join("/")}`)
    .filter(
      (file) =>
        FUNCTION_FILE.test(file) &&
        !file.endsWith(".d.ts") &&
        !file.split("/").some((part) => part.startsWith("_") || part.startsWith(".")) &&
        !file.includes("/node_modules/") &&
        !ig.ignores(relative(root, join(root, file))),
    );
  return files
    .map(toRoute)
    .sort((a, b) => a.params.length - b.params.length || b.path.length - a.path.length);
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
