import { readdir, readFile } from "node:fs/promises";
import { join, sep } from "node:path";
import { loadProjectConfig, scanFunctions } from "@repo/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyProject, vercelBuild } from "../support/vercel-project.js";

// Proof that every endpoint deploys as its own function: Vercel's own build, offline.
let project: Awaited<ReturnType<typeof copyProject>>;
let output: string;

beforeAll(async () => {
  project = await copyProject();
  await vercelBuild(project.dir);
  output = join(project.dir, ".vercel", "output");
});
afterAll(async () => {
  await project?.remove();
});

async function funcDirs(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (entry.name.endsWith(".func")) out.push(`${prefix}${entry.name.slice(0, -".func".length)}`);
    else out.push(...(await funcDirs(join(dir, entry.name), `${prefix}${entry.name}/`)));
  }
  return out.sort();
}

describe("vercel build", () => {
  it("makes one function per api/ file, and none of helpers or tests", async () => {
    const expected = (await scanFunctions(project.dir))
      .map((f) => f.file.replace(/\.[cm]?[jt]sx?$/, ""))
      .sort();
    expect(expected).toContain("api/validate/card");
    expect(await funcDirs(join(output, "functions"))).toEqual(expected);
  });

  it("gives each function the memory and maxDuration vercel.json names, on Node 24", async () => {
    const config = await loadProjectConfig(project.dir);
    for (const fn of await scanFunctions(project.dir)) {
      const name = fn.file.replace(/\.[cm]?[jt]sx?$/, "");
      const vc = JSON.parse(
        await readFile(join(output, "functions", `${name}.func`, ".vc-config.json"), "utf8"),
      );
      const settings = config.functionSettings(fn.file);
      expect(vc.runtime, name).toBe("nodejs24.x");
      expect(vc.maxDuration, name).toBe(settings.maxDuration);
      expect(vc.memory, name).toBe(settings.memory);
    }
  });

  it("bundles the compiled packages, not their TypeScript sources", async () => {
    const card = join(output, "functions", "api", "validate", "card.func");
    const files = (await readdir(card, { recursive: true })).map(String);
    expect(files.some((f) => f.includes(join("packages", "cards", "dist", "analyze.js")))).toBe(true);
    expect(files.some((f) => f.includes(join("packages", "cards", "src")))).toBe(false);
  });

  it("ships the ZIP index inside the weather function", async () => {
    const weather = join(output, "functions", "api", "weather.func");
    const files = (await readdir(weather, { recursive: true })).map(String);
    expect(files.some((f) => f.endsWith(join("zipcodes", "dist", "generated", "zip-index.bin")))).toBe(true);
  });

  it("ships Better Auth and node-postgres in the auth function, but not the embedded PGlite", async () => {
    for (const fn of ["auth", "blobs/index"]) {
      const files = (await readdir(join(output, "functions", "api", `${fn}.func`), { recursive: true })).map(
        String,
      );
      expect(
        files.some((f) => f.includes(join("node_modules", "pg", "lib"))),
        fn,
      ).toBe(true);
      // PGlite is the local runtime's; in production DATABASE_URL names a server. Its package folder,
      // not the name: pnpm names a folder by its package's resolved optional peers, and better-auth's
      // now reads "…drizzle-orm@…_@electric-sql+pglite@…" (drizzle-orm came with the Postgres world).
      expect(
        files.filter((f) => f.includes(join("node_modules", "@electric-sql", "pglite", ""))),
        fn,
      ).toEqual([]);
    }
    const auth = (await readdir(join(output, "functions", "api", "auth.func"), { recursive: true })).map(
      String,
    );
    expect(auth.some((f) => f.includes(join("node_modules", "better-auth", "dist")))).toBe(true);
  });

  it("ships @vercel/otel and the OpenTelemetry API in every function, which registers it on Vercel", async () => {
    for (const fn of ["health", "weather", "blobs/upload", "workflow/step"]) {
      const files = (await readdir(join(output, "functions", "api", `${fn}.func`), { recursive: true })).map(
        String,
      );
      for (const module of [
        join("@vercel", "otel", "dist", "node", "index.js"),
        join("@opentelemetry", "api", "build"),
        // @vercel/otel bundles the SDK itself; these two it imports.
        join("@opentelemetry", "api-logs", "build"),
      ]) {
        expect(
          files.some((f) => f.includes(module)),
          `${fn}: ${module}`,
        ).toBe(true);
      }
    }
  });

  it("puts the static export in static/", async () => {
    const files = await readdir(join(output, "static"));
    expect(files).toEqual(
      expect.arrayContaining([
        "index.html",
        "card.html",
        "404.html",
        "sign-in.html",
        "sign-up.html",
        "account.html",
      ]),
    );
  });

  it("carries the rewrites and redirects into the route table", async () => {
    const { routes } = JSON.parse(await readFile(join(output, "config.json"), "utf8"));
    const text = JSON.stringify(routes);
    expect(text).toContain('"dest":"/api/health"');
    expect(text).toContain('"dest":"/api/auth?path=$1"');
    expect(text).toContain('"Location":"/card"');
  });

  it("builds the workflow's queue consumers with their triggers and the compiled bundles", async () => {
    for (const [name, topic] of [
      ["flow", "__wkf_workflow_*"],
      ["step", "__wkf_step_*"],
    ] as const) {
      const dir = join(output, "functions", "api", "workflow", `${name}.func`);
      const vc = JSON.parse(await readFile(join(dir, ".vc-config.json"), "utf8"));
      expect(vc.experimentalTriggers, name).toEqual([
        expect.objectContaining({ type: "queue/v2beta", topic }),
      ]);
      const files = (await readdir(dir, { recursive: true })).map(String);
      // createRequire()'d CommonJS bundles are traced like static imports.
      expect(
        files.some((f) => f.endsWith(join(".well-known", "workflow", "v1", `${name}.js`))),
        name,
      ).toBe(true);
    }
    const step = (
      await readdir(join(output, "functions", "api", "workflow", "step.func"), { recursive: true })
    ).map(String);
    // The step bundle leaves sharp and the processors outside (native code, worker and WebAssembly files):
    // they ship beside it.
    expect(step.some((f) => f.includes(join("processors", "dist", "csv", "index.js")))).toBe(true);
    expect(step.some((f) => f.includes(join("processors", "dist", "csv", "worker.js")))).toBe(true);
    expect(step.some((f) => f.includes(join("processors", "dist", "csv", "kernel.wasm")))).toBe(true);
    expect(step.some((f) => /sharp-linux-x64.*\.node$/.test(f))).toBe(true);
  });

  it("leaves the local runtime and its /__runtime dashboard out of the build", async () => {
    const files = (await readdir(output, { recursive: true })).map(String);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => f.includes("__runtime"))).toEqual([]);
    // Some functions carry tooling/runtime's package.json (the file tracer's view of a workspace
    // package one of their imports names), never a file of its code.
    const runtimeFiles = files.filter((f) => f.includes(`${join("tooling", "runtime")}${sep}`));
    expect(runtimeFiles.filter((f) => !f.endsWith(join("tooling", "runtime", "package.json")))).toEqual([]);
    const config = await readFile(join(output, "config.json"), "utf8");
    expect(config).not.toContain("__runtime");
    // No page of the static site links to or serves it either.
    for (const file of files.filter((f) => f.startsWith("static") && f.endsWith(".html"))) {
      expect(await readFile(join(output, file), "utf8"), file).not.toContain("__runtime");
    }
  });

  it("carries the reconcile timer into the build output", async () => {
    const config = JSON.parse(await readFile(join(output, "config.json"), "utf8"));
    expect(config.crons).toEqual([{ path: "/api/cron/reconcile", schedule: "*/5 * * * *" }]);
  });
});
