import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Stack frames in a compiled set (compiled-loader.ts) name the TypeScript source, line and column
 * again, as they did when Vite ran the files: `at GET (/repo/api/x.ts:12:9)`, not the cache's
 * `x.js`. Only those frames are mapped, each set's source map read the first time a stack goes
 * through that file. Node's own `--enable-source-maps` would do it too, but for every module with
 * a map (the packages' dist): measured, ~20 MB more resident at rest and ~0.3 s more to start.
 * With that flag on, Node maps these files too (each carries its `sourceMappingURL`), so nothing is
 * installed here.
 */
export function mapCompiledFrames(outDir: string): void {
  if (process.sourceMapsEnabled) return;
  const prefix = `${pathToFileURL(outDir).href}/`;
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    let map = maps.get(url);
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, "utf8")));
      } catch {
        map = null;
      }
      maps.set(url, map);
    }
    return map;
  };
  // Node's own formatting (a function on Error since Node 20) is kept: it is given the frames of
  // compiled files relocated to their sources, and others as they are.
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    const relocated = frames.map((frame) => {
      const url = frame.getFileName();
      const line = frame.getLineNumber();
      const column = frame.getColumnNumber();
      if (!url?.startsWith(prefix) || line === null || column === null) return frame;
      const entry = mapOf(url)?.findEntry(line - 1, column - 1);
      if (!entry || !("originalSource" in entry)) return frame;
      const source = fileURLToPath(new URL(entry.originalSource, url));
      return relocate(
        frame,
        `${url}:${line}:${column}`,
        source,
        entry.originalLine + 1,
        entry.originalColumn + 1,
      );
    });
    return previous ? previous(error, relocated) : [errorHeader(error), ...relocated].join("\n    at ");
  };
}

/** The frame as if it ran at `file:line:column`; everything else about it as it is. */
function relocate(
  frame: NodeJS.CallSite,
  at: string,
  file: string,
  line: number,
  column: number,
): NodeJS.CallSite {
  const text = String(frame).replace(at, `${file}:${line}:${column}`);
  const answers: Record<PropertyKey, () => unknown> = {
    toString: () => text,
    getFileName: () => file,
    getScriptNameOrSourceURL: () => file,
    getLineNumber: () => line,
    getColumnNumber: () => column,
  };
  return new Proxy(frame, {
    get(target, key) {
      const answer = answers[key];
      if (answer) return answer;
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The first line of a stack, as V8 writes it. */
function errorHeader(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return "<error>";
  }
}
