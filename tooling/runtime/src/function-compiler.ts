import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, posix, relative, sep } from "node:path";
import { TsconfigCache, transformSync } from "rolldown/utils";
import { compiledName, isTypeScript } from "./function-sources.ts";

/** A compiled set not used for this long is removed when another is compiled beside it. */
const UNUSED_FOR = 7 * 24 * 60 * 60 * 1000;

/**
 * Compiles project files (paths from root, as collectSources answers them) into `outDir`, one
 * JavaScript module per TypeScript file with the name its importers use (`x.ts` → `x.js`), so that
 * Node imports them as they are: no bundling, so a module two functions import is one instance in
 * the process, as it was under Vite. Other files are copied.
 *
 * Types are removed by oxc (rolldown's transform, the one Vite uses), honouring the nearest
 * tsconfig (verbatimModuleSyntax keeps an import that is only there for its side effects), with no
 * lowering: Node runs what the sources say. A source map beside each file names the source.
 *
 * The folder then reads as the project does from Node's side: `{"type":"module"}` at its top, and
 * where the project has a node_modules folder (the root, api/), a link to it, so a package is found
 * from a compiled file where it was found from its source, and is the same instance. The folder is
 * written under a temporary name and renamed into place, so a start that finds `outDir` finds it
 * whole, even while another worker on the same checkout compiles the same set.
 *
 * @example
 * compileSources({ root: "/repo", files: ["api/health.ts", "api/_lib/route.ts"], outDir });
 */
export function compileSources(opts: { root: string; files: string[]; outDir: string }): void {
  const { root, files, outDir } = opts;
  const building = `${outDir}.tmp-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const tsconfigs = new TsconfigCache();
  const problems: string[] = [];
  for (const file of files) {
    const source = join(root, file);
    const target = join(building, compiledName(file));
    mkdirSync(dirname(target), { recursive: true });
    if (!isTypeScript(file)) {
      copyFileSync(source, target);
      continue;
    }
    const result = transformSync(
      source,
      readFileSync(source, "utf8"),
      { sourcemap: true, tsconfig: true },
      tsconfigs,
    );
    if (result.errors.length) {
      problems.push(...result.errors.map((error) => `${file}: ${error.message}`));
      continue;
    }
    // The map as it will be read from its final place, naming the source by a relative path.
    const map = {
      ...result.map,
      file: basename(target),
      sources: [posixRelative(dirname(join(outDir, compiledName(file))), source)],
    };
    delete map.sourcesContent;
    writeFileSync(target, `${result.code}\n//# sourceMappingURL=${basename(target)}.map\n`);
    writeFileSync(`${target}.map`, JSON.stringify(map));
  }
  if (problems.length) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(`TypeScript that could not be compiled:\n  ${problems.join("\n  ")}`);
  }
  writeFileSync(join(building, "package.json"), '{ "type": "module" }\n');
  for (const folder of foldersOf(files)) {
    const modules = join(root, folder, "node_modules");
    if (existsSync(modules)) symlinkSync(modules, join(building, folder, "node_modules"), "dir");
  }
  try {
    renameSync(building, outDir);
  } catch (error) {
    // Another process finished the same set first: theirs is as good.
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(outDir)) throw error;
  }
  removeUnused(dirname(outDir), basename(outDir));
}

/** Every folder holding a file, and each folder above it up to the root (""). */
function foldersOf(files: string[]): Set<string> {
  const folders = new Set<string>([""]);
  for (const file of files) {
    for (
      let folder = posix.dirname(file);
      folder !== "." && !folders.has(folder);
      folder = posix.dirname(folder)
    )
      folders.add(folder);
  }
  return folders;
}

/**
 * Compiled sets of earlier sources, left by edits between starts. A set is touched each time a
 * start uses it, so one that a running worker still uses is kept (that worker imports its
 * functions from it on their first request).
 */
function removeUnused(parent: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(parent)) {
    if (name === keep) continue;
    const path = join(parent, name);
    try {
      if (now - statSync(path).mtimeMs > (name.includes(".tmp-") ? 60 * 60 * 1000 : UNUSED_FOR))
        rmSync(path, { recursive: true, force: true });
    } catch {}
  }
}

function posixRelative(from: string, to: string): string {
  return relative(from, to).split(sep).join("/");
}
