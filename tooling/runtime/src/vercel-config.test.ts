import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_MAX_DURATION, loadProjectConfig } from "./vercel-config.js";

async function project(json: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "vercel-json-"));
  await writeFile(join(dir, "vercel.json"), json);
  return dir;
}

describe("loadProjectConfig", () => {
  it("gives each function the settings of the glob that names it", async () => {
    const config = await loadProjectConfig(
      await project(JSON.stringify({ functions: { "api/slow/*.ts": { maxDuration: 60, memory: 1024 } } })),
    );
    expect(config.functionSettings("api/slow/report.ts")).toEqual({ maxDuration: 60, memory: 1024 });
    expect(config.functionSettings("api/fast.ts")).toEqual({ maxDuration: DEFAULT_MAX_DURATION });
  });

  it("works with no vercel.json at all", async () => {
    const config = await loadProjectConfig(await mkdtemp(join(tmpdir(), "none-")));
    expect(config.routes).toEqual([]);
  });

  it("says what is wrong with a broken vercel.json", async () => {
    await expect(loadProjectConfig(await project("{ nope"))).rejects.toThrow(ConfigError);
    await expect(
      loadProjectConfig(await project(JSON.stringify({ rewrites: [{ source: 1 }] }))),
    ).rejects.toThrow(/rewrites/);
  });

  it("rejects a route pattern Vercel would reject", async () => {
    await expect(
      loadProjectConfig(
        await project(JSON.stringify({ rewrites: [{ source: "/a/:b(", destination: "/x" }] })),
      ),
    ).rejects.toThrow(ConfigError);
  });
});
