import { execFile } from "node:child_process";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileSources } from "./function-compiler.ts";

const run = promisify(execFile);
let root: string;
let outDir: string;
const write = async (file: string, text: string) => {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), text);
};

/** What a plain Node process (no test runner in between) prints after importing `file` from the set. */
async function importInNode(file: string, expression: string): Promise<string> {
  const script = `const m = await import(${JSON.stringify(join(outDir, file))}); console.log(JSON.stringify(${expression}));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
  return stdout.trim();
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "function-compiler-"));
  outDir = join(root, "node_modules/.cache/vercel-local/functions/set1");
  await write("tsconfig.json", JSON.stringify({ compilerOptions: { verbatimModuleSyntax: true } }));
  await write(
    "api/node_modules/greeting/package.json",
    '{ "name": "greeting", "type": "module", "exports": "./index.js" }',
  );
  await write(
    "api/node_modules/greeting/index.js",
    'export const greet = (name) => "hello " + name;\nglobalThis.greetings = (globalThis.greetings ?? 0) + 1;\n',
  );
  await write(
    "api/_lib/count.ts",
    "interface Counter { n: number }\nexport const counter: Counter = { n: 0 };\nexport function next(this: void): number { return ++counter.n; }\n",
  );
  await write(
    "api/_lib/side.ts",
    "(globalThis as { sideRan?: boolean }).sideRan = true;\nexport type Unused = string;\n",
  );
  await write(
    "api/a.ts",
    [
      'import { greet } from "greeting";',
      'import { next } from "./_lib/count.js";',
      'import type { Unused } from "./_lib/side.js";',
      'import { type Unused as Also } from "./_lib/side.js";',
      "const label: Unused | Also = greet('a');",
      'export const a = (): string => label + " " + next();',
    ].join("\n"),
  );
  await write(
    "api/b.ts",
    'import { next } from "./_lib/count.js";\nexport const b = (): number => next();\n',
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

const FILES = ["api/_lib/count.ts", "api/_lib/side.ts", "api/a.ts", "api/b.ts"];

describe("compileSources", () => {
  it("writes one module per file, which Node imports with packages found as from the sources", async () => {
    compileSources({ root, files: FILES, outDir });
    const js = readFileSync(join(outDir, "api/a.js"), "utf8");
    expect(js).not.toMatch(/: string|Unused/);
    expect(readlinkSync(join(outDir, "api/node_modules"))).toBe(join(root, "api/node_modules"));
    // Not bundled: both functions share one counter and one instance of the package.
    const both = await importInNode(
      "api/b.js",
      `[(await import(${JSON.stringify(join(outDir, "api/a.js"))})).a(), m.b(), globalThis.greetings]`,
    );
    expect(JSON.parse(both)).toEqual(["hello a 1", 2, 1]);
  });

  it("keeps an import with `type` only on its names for the module's side effects (verbatimModuleSyntax)", async () => {
    compileSources({ root, files: FILES, outDir });
    expect(await importInNode("api/a.js", "globalThis.sideRan ?? false")).toBe("true");
  });

  it("writes a source map that names the source", async () => {
    compileSources({ root, files: FILES, outDir });
    expect(readFileSync(join(outDir, "api/a.js"), "utf8")).toMatch(/\/\/# sourceMappingURL=a\.js\.map\n$/);
    const map = JSON.parse(readFileSync(join(outDir, "api/a.js.map"), "utf8")) as { sources: string[] };
    expect(join(outDir, "api", map.sources[0] as string)).toBe(join(root, "api/a.ts"));
  });

  it("names each file that cannot be compiled, and leaves no set behind", async () => {
    await write("api/broken.ts", "export const x = ;\n");
    expect(() => compileSources({ root, files: [...FILES, "api/broken.ts"], outDir })).toThrow(
      /api\/broken\.ts: /,
    );
    expect(existsSync(outDir)).toBe(false);
    expect(existsSync(`${outDir}.tmp-${process.pid}`)).toBe(false);
  });

  it("leaves a set another process finished first as it was, and removes sets unused for a week", async () => {
    compileSources({ root, files: FILES, outDir });
    await writeFile(join(outDir, "mark"), "first");
    const old = join(dirname(outDir), "old-set");
    await mkdir(old);
    await utimes(old, new Date(Date.now() - 8 * 86_400_000), new Date(Date.now() - 8 * 86_400_000));
    const recent = join(dirname(outDir), "recent-set");
    await mkdir(recent);
    compileSources({ root, files: FILES, outDir });
    expect(readFileSync(join(outDir, "mark"), "utf8")).toBe("first");
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });
});
