import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";

/** One project file that start mode compiles: its path from the root (forward slashes) and content hash. */
export interface SourceFile {
  file: string;
  hash: string;
}

/**
 * A relative specifier in an import, a re-export or an `import()` with a string literal. A regular
 * expression, not a parser, so that the runtime's own process needs no compiler to know what to
 * compile: it may also match one inside a comment or a string, which costs only a file compiled
 * for nothing (one that does not exist is skipped; a real import of it then fails in Node, loudly).
 */
const RELATIVE_IMPORT = /\b(?:from|import)\s*\(?\s*["'](\.\.?\/[^"'\n]+)["']/g;

/** TypeScript sources Node cannot import; what they compile to keeps the name the imports use. */
const TYPESCRIPT = /\.m?ts$/;

/**
 * The files start mode must compile for these entries (function files, the local config): each
 * entry and, transitively, every project file it imports by a relative path. An import of `x.js`
 * names `x.ts` when no `x.js` exists, as TypeScript and Vite resolve it. Packages (bare names) are
 * not followed: Node imports their compiled `dist` itself. JavaScript and other files reached this
 * way are copied beside the compiled ones, so relative imports keep working from the cache.
 *
 * @example
 * collectSources("/repo", ["api/health.ts"]); // [{ file: "api/health.ts", hash }, { file: "api/_lib/route.ts", hash }, …]
 */
export function collectSources(root: string, entries: string[]): SourceFile[] {
  const seen = new Map<string, SourceFile>();
  const queue = entries.filter((file) => isFile(join(root, file)));
  while (queue.length) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    const text = readFileSync(join(root, file));
    seen.set(file, { file, hash: createHash("sha256").update(text).digest("hex") });
    if (!/\.[mc]?[jt]s$/.test(file)) continue;
    for (const [, spec] of text.toString("utf8").matchAll(RELATIVE_IMPORT)) {
      const target = resolveRelative(root, file, spec as string);
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  return [...seen.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
}

/**
 * The name of a compiled set: changes when any file in it, the set itself or the compiler changes,
 * so an unchanged project reuses what an earlier start compiled.
 */
export function sourcesKey(sources: SourceFile[], compiler: string): string {
  const hash = createHash("sha256").update(compiler);
  for (const { file, hash: content } of sources) hash.update(`\0${file}\0${content}`);
  return hash.digest("hex").slice(0, 20);
}

/** The path a source is imported by once compiled: `api/x.ts` → `api/x.js`. */
export function compiledName(file: string): string {
  return file.replace(/\.ts$/, ".js").replace(/\.mts$/, ".mjs");
}

export function isTypeScript(file: string): boolean {
  return TYPESCRIPT.test(file) && !file.endsWith(".d.ts");
}

function resolveRelative(root: string, from: string, spec: string): string | null {
  const path = posix.normalize(posix.join(posix.dirname(from), spec.split(/[?#]/)[0] as string));
  if (path.startsWith("../")) return null;
  const candidates = [path];
  if (path.endsWith(".js")) candidates.push(path.replace(/\.js$/, ".ts"));
  if (path.endsWith(".mjs")) candidates.push(path.replace(/\.mjs$/, ".mts"));
  return candidates.find((candidate) => isFile(join(root, candidate))) ?? null;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
