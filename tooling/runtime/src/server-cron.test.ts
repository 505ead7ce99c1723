import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRuntime, type Runtime } from "./server.ts";

async function write(root: string, file: string, text: string) {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), text);
}

/** Polls (on real timers: Date may be faked) until the check passes. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Call {
  url: string;
  method: string;
  userAgent: string | null;
  authorization: string | null;
}
/** The functions run in this process: they record their requests on globalThis. */
const state = globalThis as unknown as {
  __cronCalls?: Call[];
  __ready?: { calls: number; env?: string; secret?: string; status?: number };
};
const calls = () => state.__cronCalls ?? [];
const pathOf = (call: Call) => {
  const url = new URL(call.url);
  return url.pathname + url.search;
};

const RECORD = `export const GET = (req: Request) => {
  const g = globalThis as unknown as { __cronCalls?: unknown[] };
  (g.__cronCalls ??= []).push({
    url: req.url,
    method: req.method,
    userAgent: req.headers.get("user-agent"),
    authorization: req.headers.get("authorization"),
  });
  return Response.json({ ok: true });
};
`;

const vercelJson = {
  functions: { "api/hang.ts": { maxDuration: 1 } },
  rewrites: [{ source: "/tasks/reconcile", destination: "/api/record" }],
  crons: [
    { path: "/tasks/reconcile", schedule: "* * * * *" },
    { path: "/api/record?from=cron", schedule: "0 0 1 1 *" },
    { path: "/api/hang", schedule: "0 0 1 1 *" },
  ],
};

describe("cron jobs and ready()", () => {
  let root: string;
  let runtime: Runtime;
  /** The minute boundary the runtime's clock reaches 300 ms after it is created. */
  const boundary = Date.UTC(2030, 0, 1, 12, 0);

  beforeAll(async () => {
    delete process.env.CRON_SECRET;
    root = await mkdtemp(join(tmpdir(), "runtime-cron-"));
    await write(root, "vercel.json", JSON.stringify(vercelJson));
    await write(root, "api/record.ts", RECORD);
    await write(root, "api/hang.ts", "export const GET = () => new Promise(() => {});\n");
    await write(
      root,
      "vercel-local.config.ts",
      `export default ({ origin }: { origin: string }) => ({
  env: { READY_VAR: "from-env" },
  ready: async () => {
    const g = globalThis as unknown as { __ready?: Record<string, unknown> & { calls: number } };
    const status = (await fetch(origin + "/api/record?from=ready")).status;
    g.__ready = { calls: (g.__ready?.calls ?? 0) + 1, env: process.env.READY_VAR, secret: process.env.CRON_SECRET, status };
  },
});\n`,
    );
    // Only Date is faked, and stands still: the scheduler sees a minute boundary 300 ms away
    // however long start-up takes, while timers and I/O run for real.
    vi.useFakeTimers({ toFake: ["Date"], now: boundary - 300 });
    try {
      runtime = await createRuntime({ root, mode: "dev", port: 0 });
    } catch (error) {
      vi.useRealTimers();
      throw error;
    }
  });

  afterAll(async () => {
    vi.useRealTimers();
    await runtime?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("calls ready() once, after the config's env and CRON_SECRET are set and the origin answers", () => {
    expect(state.__ready).toEqual({
      calls: 1,
      env: "from-env",
      secret: process.env.CRON_SECRET,
      status: 200,
    });
  });

  it("generates a CRON_SECRET when none is set", () => {
    expect(process.env.CRON_SECRET).toMatch(/^[\w-]{32,}$/);
  });

  it("invokes a cron on its schedule: a GET through the origin's routes with Vercel's headers", async () => {
    try {
      // Through the rewrite to api/record, which sees the path the cron asked for, as on Vercel.
      await eventually(() => calls().some((c) => pathOf(c) === "/tasks/reconcile"));
    } finally {
      vi.useRealTimers();
    }
    const ticks = calls().filter((c) => pathOf(c) === "/tasks/reconcile");
    expect(ticks).toEqual([
      {
        url: expect.stringMatching(/^http:\/\/localhost:\d+\/tasks\/reconcile$/),
        method: "GET",
        userAgent: "vercel-cron/1.0",
        authorization: `Bearer ${process.env.CRON_SECRET}`,
      },
    ]);
    // Only the every-minute job was due.
    expect(calls().filter((c) => pathOf(c) === "/api/record?from=cron")).toEqual([]);
  });

  it("runs a cron on demand with runCron, the same way", async () => {
    const response = await runtime.runCron("/api/record?from=cron");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(calls().at(-1)).toMatchObject({
      url: expect.stringMatching(/\/api\/record\?from=cron$/),
      userAgent: "vercel-cron/1.0",
      authorization: `Bearer ${process.env.CRON_SECRET}`,
    });
  });

  it("answers a hanging cron with the function's timeout, and refuses a path no cron names", async () => {
    const response = await runtime.runCron("/api/hang");
    expect(response.status).toBe(504);
    await expect(runtime.runCron("/api/record")).rejects.toThrow(/no cron job in vercel.json has the path/);
  });

  it("lists the crons, and re-reads them when vercel.json changes", async () => {
    expect(runtime.crons()).toEqual(vercelJson.crons);
    const crons = [{ path: "/api/record?from=reload", schedule: "0 3 * * 1-5" }];
    await write(root, "vercel.json", JSON.stringify({ ...vercelJson, crons }));
    await eventually(() => runtime.crons().length === 1);
    expect(runtime.crons()).toEqual(crons);
    expect((await runtime.runCron("/api/record?from=reload")).status).toBe(200);
    await expect(runtime.runCron("/tasks/reconcile")).rejects.toThrow(/no cron job/);
  });

  it("keeps the crons it has when vercel.json changes to a bad schedule", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      // The watcher drops a second change to the same file within 50 ms of the last.
      await new Promise((r) => setTimeout(r, 200));
      await write(
        root,
        "vercel.json",
        JSON.stringify({ ...vercelJson, crons: [{ path: "/api/x", schedule: "@daily" }] }),
      );
      await eventually(() => errors.mock.calls.length > 0);
      expect(String(errors.mock.calls[0]?.[1])).toMatch(/crons\[0\] \(\/api\/x\).*"@daily"/);
      expect(runtime.crons()).toEqual([{ path: "/api/record?from=reload", schedule: "0 3 * * 1-5" }]);
    } finally {
      errors.mockRestore();
    }
  });

  it("reads vercel.json as saved when a save truncates it first and then writes it", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await new Promise((r) => setTimeout(r, 200));
      const crons = [{ path: "/api/record?from=resaved", schedule: "0 4 * * *" }];
      // Two changes in a row, as an editor that truncates makes: the first leaves an empty file.
      await writeFile(join(root, "vercel.json"), "");
      await writeFile(join(root, "vercel.json"), JSON.stringify({ ...vercelJson, crons }));
      await eventually(() => runtime.crons()[0]?.path === "/api/record?from=resaved");
      expect(runtime.crons()).toEqual(crons);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });
});

describe("start-up", () => {
  const roots: string[] = [];
  afterAll(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });
  const project = async (files: Record<string, string>) => {
    const root = await mkdtemp(join(tmpdir(), "runtime-cron-"));
    roots.push(root);
    for (const [file, text] of Object.entries(files)) await write(root, file, text);
    return root;
  };

  it("rejects a vercel.json cron schedule Vercel would reject, naming the entry", async () => {
    const root = await project({
      "vercel.json": JSON.stringify({ crons: [{ path: "/api/weekly", schedule: "0 9 * * MON" }] }),
    });
    await expect(createRuntime({ root, mode: "start", port: 0 })).rejects.toThrow(
      /vercel\.json: crons\[0\] \(\/api\/weekly\): schedule "0 9 \* \* MON" is not valid: day-of-week field "MON": names like "MON" are not supported/,
    );
  });

  it("serves anyway when ready() throws, saying so; keeps a CRON_SECRET that is set; runCron works with crons off", async () => {
    process.env.CRON_SECRET = "the-project-secret";
    const root = await project({
      "vercel.json": JSON.stringify({ crons: [{ path: "/api/record", schedule: "0 0 * * *" }] }),
      "api/record.ts": RECORD,
      "vercel-local.config.ts": `export default () => ({
  ready: () => { throw new Error("recovery failed"); },
});\n`,
    });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    let runtime: Runtime | undefined;
    try {
      runtime = await createRuntime({ root, mode: "start", port: 0, crons: false });
      expect(errors).toHaveBeenCalledWith(
        "[runtime] vercel-local.config.ts: ready() failed; serving anyway:",
        expect.objectContaining({ message: "recovery failed" }),
      );
      expect((await fetch(`${runtime.url}/api/record`)).status).toBe(200);
      expect((await runtime.runCron("/api/record")).status).toBe(200);
      expect(calls().at(-1)?.authorization).toBe("Bearer the-project-secret");
      expect(process.env.CRON_SECRET).toBe("the-project-secret");
    } finally {
      errors.mockRestore();
      await runtime?.close();
    }
  });
});
