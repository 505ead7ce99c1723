import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectSources, compiledName, sourcesKey } from "./function-sources.ts";

let root: string;
const write = async (file: string, text: string) => {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), text);
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "function-sources-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("collectSources", () => {
  it("follows relative imports, re-exports and import() from the entries, .js naming the .ts", async () => {
    await write("api/a.ts", 'import { b } from "./_lib/b.js";\nexport const a = b;\n');
    await write(
      "api/_lib/b.ts",
      'export * from "./c.js";\nexport const b = await import("../../shared/d.js");\n',
    );
    await write("api/_lib/c.ts", 'import type { T } from "./types.js";\nexport const c: T = 1;\n');
    await write("api/_lib/types.ts", "export type T = number;\n");
    await write("shared/d.js", 'import "./side.mjs";\nexport default 4;\n');
    await write("shared/side.mjs", "globalThis.side = true;\n");
    await write("api/unrelated.ts", "export const u = 1;\n");
    await write("config.ts", 'import { c } from "./api/_lib/c.js";\nexport default c;\n');
    const files = collectSources(root, ["api/a.ts", "config.ts"]).map((source) => source.file);
    expect(files).toEqual([
      "api/_lib/b.ts",
      "api/_lib/c.ts",
      "api/_lib/types.ts",
      "api/a.ts",
      "config.ts",
      "shared/d.js",
      "shared/side.mjs",
    ]);
  });

  it("skips entries and imports that do not exist, packages, and paths above the root", async () => {
    await write(
      "api/a.ts",
      'import z from "zod";\nimport { gone } from "./gone.js";\nimport x from "../../outside.js";\n',
    );
    expect(collectSources(root, ["api/a.ts", "vercel-local.config.ts"]).map((s) => s.file)).toEqual([
      "api/a.ts",
    ]);
  });

  it("names a set by its contents: an edit, an added file or another compiler gives another key", async () => {
    await write("api/a.ts", 'import { b } from "./b.js";\nexport const a = b;\n');
    await write("api/b.ts", "export const b = 1;\n");
    const key = () => sourcesKey(collectSources(root, ["api/a.ts"]), "oxc 1");
    const first = key();
    expect(key()).toBe(first);
    await write("api/b.ts", "export const b = 2;\n");
    const edited = key();
    expect(edited).not.toBe(first);
    expect(sourcesKey(collectSources(root, ["api/a.ts"]), "oxc 2")).not.toBe(edited);
  });
});

describe("compiledName", () => {
  it("keeps the name importers use", () => {
    expect(compiledName("api/card-brands/[brand].ts")).toBe("api/card-brands/[brand].js");
    expect(compiledName("api/x.mts")).toBe("api/x.mjs");
    expect(compiledName("shared/d.js")).toBe("shared/d.js");
  });
});
