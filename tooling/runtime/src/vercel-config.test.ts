import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_MAX_DURATION, loadProjectConfig } from "./vercel-config.ts";

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

  it("parses the crons' schedules", async () => {
    const config = await loadProjectConfig(
      await project(JSON.stringify({ crons: [{ path: "/api/cron/reconcile", schedule: "*/5 * * * *" }] })),
    );
    expect(config.crons).toHaveLength(1);
    expect(config.crons[0]?.path).toBe("/api/cron/reconcile");
    expect([...(config.crons[0]?.schedule.minutes ?? [])]).toEqual([
      0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55,
    ]);
    expect((await loadProjectConfig(await project("{}"))).crons).toEqual([]);
  });

  it.each([
    ["@daily", /crons\[1\] \(\/api\/b\): schedule "@daily" is not valid: shortcuts like "@daily"/],
    ["0 0 L * *", /crons\[1\] \(\/api\/b\): schedule "0 0 L \* \*" is not valid: .*"L" is not supported/],
    ["0 0 * JAN *", /crons\[1\].*names like "JAN"/],
    ["0 0 * *", /crons\[1\].*expected 5 fields/],
  ])("rejects the cron schedule %j at load, naming the entry", async (schedule, message) => {
    const json = JSON.stringify({
      crons: [
        { path: "/api/a", schedule: "0 0 * * *" },
        { path: "/api/b", schedule },
      ],
    });
    await expect(loadProjectConfig(await project(json))).rejects.toThrow(ConfigError);
    await expect(loadProjectConfig(await project(json))).rejects.toThrow(message);
  });

  it("rejects a cron path that does not start with /", async () => {
    await expect(
      loadProjectConfig(await project(JSON.stringify({ crons: [{ path: "api/a", schedule: "0 0 * * *" }] }))),
    ).rejects.toThrow(/crons\[0\] \(api\/a\): the path must start with "\/"/);
  });
});
