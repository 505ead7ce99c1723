import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type FunctionRoute, matchFunction, scanFunctions } from "./functions.ts";

let root: string;
let routes: FunctionRoute[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "fn-scan-"));
  const files = [
    "api/index.ts",
    "api/hello.ts",
    "api/users/[id].ts",
    "api/users/me.ts",
    "api/users/[id]/posts/[post].mts",
    "api/_lib/helper.ts",
    "api/users/_private.ts",
    "api/.hidden.ts",
    "api/types.d.ts",
    "api/hello.test.ts",
    "api/readme.md",
    "api/legacy.js",
  ];
  for (const file of files) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), "export {};\n");
  }
  await writeFile(join(root, ".vercelignore"), "api/**/*.test.ts\n");
  // pnpm links workspace packages into node_modules; a link back up must not be walked (a loop).
  await mkdir(join(root, "api/node_modules/@repo"), { recursive: true });
  await writeFile(join(root, "api/node_modules/dep.ts"), "export {};\n");
  await symlink(root, join(root, "api/node_modules/@repo/self"), "dir");
  routes = await scanFunctions(root);
});

describe("scanFunctions", () => {
  it("finds one function per file, leaving out helpers, declarations, ignored files and node_modules", () => {
    expect(routes.map((r) => r.file).sort()).toEqual([
      "api/hello.ts",
      "api/index.ts",
      "api/legacy.js",
      "api/users/[id].ts",
      "api/users/[id]/posts/[post].mts",
      "api/users/me.ts",
    ]);
  });

  it("answers nothing when there is no api/ folder", async () => {
    expect(await scanFunctions(join(root, "missing"))).toEqual([]);
  });
});

describe("matchFunction", () => {
  const match = (path: string) => matchFunction(routes, path);

  it("maps index to its folder", () => expect(match("/api")?.route.file).toBe("api/index.ts"));
  it("maps a file to its name without extension", () =>
    expect(match("/api/hello")?.route.file).toBe("api/hello.ts"));
  it("prefers a static segment over a dynamic one", () =>
    expect(match("/api/users/me")?.route.file).toBe("api/users/me.ts"));

  it("passes dynamic segments as parameters, decoded", () => {
    expect(match("/api/users/a%20b")).toMatchObject({
      route: { file: "api/users/[id].ts" },
      params: { id: "a b" },
    });
    expect(match("/api/users/7/posts/9")?.params).toEqual({ id: "7", post: "9" });
  });

  it("never serves helpers or unknown paths", () => {
    expect(match("/api/_lib/helper")).toBeNull();
    expect(match("/api/hello.test")).toBeNull();
    expect(match("/api/users")).toBeNull();
    expect(match("/api/users/1/2")).toBeNull();
  });
});
