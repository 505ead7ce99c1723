import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/paths.js";
import { freePort, startNodeFlags } from "../support/workers.js";

// `vercel-local start` (the CLI, as `pnpm start` runs it, with its heap caps) loads the project's
// TypeScript compiled ahead of import, and Node imports it: no Vite, no rolldown in the serving
// process. A small project of its own, so that a test can edit it and break it.
const CLI = join(REPO_ROOT, "tooling/runtime/bin/vercel-local.js");
const SETS = "node_modules/.cache/vercel-local/functions";
const FILES: Record<string, string> = {
  "vercel.json": "{}",
  "tsconfig.json": JSON.stringify({ compilerOptions: { verbatimModuleSyntax: true } }),
  "api/node_modules/greeting/package.json":
    '{ "name": "greeting", "type": "module", "exports": "./index.js" }',
  "api/node_modules/greeting/index.js": 'export const greet = (name) => "hello " + name;\n',
  "api/_lib/count.ts":
    "interface Counter { n: number }\nconst counter: Counter = { n: 0 };\nexport const next = (): number => ++counter.n;\n",
  "api/hello.ts": [
    'import { greet } from "greeting";',
    'import { next } from "./_lib/count.js";',
    "export function GET(): Response {",
    '  return Response.json({ text: greet("start"), count: next() });',
    "}",
  ].join("\n"),
  // Types above the throw, so that the compiled file's lines are not the source's.
  "api/stack.ts": [
    "interface Shape {",
    "  depth: number;",
    "}",
    "const shape: Shape = { depth: 1 };",
    "export function GET(): Response {",
    '  return new Response(new Error("depth " + shape.depth).stack);',
    "}",
  ].join("\n"),
  "api/other.ts":
    'import { next } from "./_lib/count.js";\nexport const GET = (): Response => Response.json({ count: next() });\n',
};

let root: string;
const write = async (file: string, text: string) => {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), text);
};

interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The CLI on a free port; answers once it serves. `mode` "dev" is the control: Vite is there. */
async function serve(mode: "start" | "dev" = "start"): Promise<Server> {
  const port = await freePort();
  const flags = mode === "start" ? startNodeFlags() : [];
  const child = spawn(
    process.execPath,
    [...flags, CLI, mode, "--root", root, "--port", String(port), "--no-crons"],
    {
      env: { ...process.env, NODE_ENV: "", NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  await new Promise<void>((ok, fail) => {
    const onData = () => /runtime ready on/.test(out) && ok();
    child.stdout?.on("data", onData);
    child.once("exit", (code) => fail(new Error(`exited (${code}) before it served:\n${out}`)));
  });
  return {
    url: `http://localhost:${port}`,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Whether the process has rolldown's native binding mapped: Vite 8 loads it with itself. */
const rolldownMapped = (child: ChildProcess) =>
  /rolldown/.test(readFileSync(`/proc/${child.pid}/maps`, "utf8"));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "start-mode-"));
  for (const [file, text] of Object.entries(FILES)) await write(file, text);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.runIf(process.platform === "linux")("vercel-local start", () => {
  it("serves the functions compiled ahead of import, one instance per module, with neither Vite nor rolldown loaded", async () => {
    const server = await serve();
    try {
      expect(await (await fetch(`${server.url}/api/hello`)).json()).toEqual({
        text: "hello start",
        count: 1,
      });
      // Not bundled per function: both share the one counter module.
      expect(await (await fetch(`${server.url}/api/other`)).json()).toEqual({ count: 2 });
      expect(rolldownMapped(server.child)).toBe(false);
    } finally {
      await server.stop();
    }
    // The control: the same project in dev mode has Vite, and so rolldown, in the process.
    const dev = await serve("dev");
    try {
      expect(await (await fetch(`${dev.url}/api/hello`)).json()).toEqual({ text: "hello start", count: 1 });
      expect(rolldownMapped(dev.child)).toBe(true);
    } finally {
      await dev.stop();
    }
  });

  it("gives stack traces that name the TypeScript source, line and column", async () => {
    const server = await serve();
    try {
      const stack = await (await fetch(`${server.url}/api/stack`)).text();
      expect(stack.split("\n").slice(0, 2)).toEqual([
        "Error: depth 1",
        `    at GET (${join(root, "api/stack.ts")}:6:23)`,
      ]);
    } finally {
      await server.stop();
    }
  });

  it("reuses what an earlier start compiled while the sources are unchanged, and compiles an edit", async () => {
    const [set] = await readdir(join(root, SETS));
    const compiled = join(root, SETS, set as string, "api/hello.js");
    const written = (await stat(compiled)).mtimeMs;
    let server = await serve();
    await server.stop();
    expect(await readdir(join(root, SETS))).toEqual([set]);
    expect((await stat(compiled)).mtimeMs).toBe(written);

    await write("api/_lib/count.ts", "let n = 100;\nexport const next = (): number => ++n;\n");
    server = await serve();
    try {
      expect(await (await fetch(`${server.url}/api/other`)).json()).toEqual({ count: 101 });
      expect(await readdir(join(root, SETS))).toHaveLength(2);
    } finally {
      await server.stop();
    }
  });

  it("does not start when a function does not compile, and says which file", async () => {
    await write("api/broken.ts", "export const GET = () => ;\n");
    try {
      await expect(serve()).rejects.toThrow(/exited \(1\)[\s\S]*api\/broken\.ts/);
    } finally {
      await rm(join(root, "api/broken.ts"));
    }
  });
});
