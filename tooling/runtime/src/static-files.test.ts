import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { findStaticFile, staticResponse } from "./static-files.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "static-"));
  await mkdir(join(dir, "docs"), { recursive: true });
  await writeFile(join(dir, "index.html"), "<h1>home</h1>");
  await writeFile(join(dir, "card.html"), "<h1>card</h1>");
  await writeFile(join(dir, "docs", "index.html"), "<h1>docs</h1>");
  await writeFile(join(dir, "app.js"), "1");
});

describe("findStaticFile", () => {
  const find = (p: string, clean = true) => findStaticFile(dir, p, clean)?.path.slice(dir.length);

  it("finds files, clean URLs and folder indexes", () => {
    expect(find("/")).toBe("/index.html");
    expect(find("/card")).toBe("/card.html");
    expect(find("/card", false)).toBeUndefined();
    expect(find("/docs")).toBe("/docs/index.html");
    expect(find("/app.js")).toBe("/app.js");
  });

  it("never leaves the folder", () => {
    expect(find("/../../etc/passwd")).toBeUndefined();
    expect(find("/%2e%2e/%2e%2e/etc/passwd")).toBeUndefined();
    expect(find("/%00")).toBeUndefined();
    expect(find("/%E0%A4%A")).toBeUndefined();
  });
});

describe("staticResponse", () => {
  it("sends the type, length and body; no body for HEAD", async () => {
    const file = findStaticFile(dir, "/card", true);
    if (!file) throw new Error("missing");
    const res = staticResponse(file, "GET");
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await res.text()).toBe("<h1>card</h1>");
    expect(staticResponse(file, "HEAD").body).toBeNull();
  });
});
