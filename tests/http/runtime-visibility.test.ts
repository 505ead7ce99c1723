import { writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@repo/runtime";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { writeVisibilityProject } from "../support/visibility-project.js";

// The runtime's own view of its functions (/__runtime/*), after traffic whose shape is known.
let project: Awaited<ReturnType<typeof writeVisibilityProject>>;
let runtime: Runtime;
const url = (path: string) => `${runtime.url}${path}`;
const getJson = async <T = unknown>(path: string): Promise<T> => {
  const res = await fetch(url(path));
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

interface FunctionRow {
  name: string;
  invocations: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  coldStarts: number;
}
interface InvocationRow {
  id: string;
  function: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  cold: boolean;
  at: string;
  logs: string[];
}
/** A GET whose request target goes out as written (fetch would resolve its dot segments first). */
const rawGet = (path: string, headers: Record<string, string> = {}) =>
  new Promise<number>((resolve, reject) => {
    const { port } = new URL(runtime.url);
    request({ host: "127.0.0.1", port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on("error", reject)
      .end();
  });
const fn = async (name: string) =>
  (await getJson<FunctionRow[]>("/__runtime/functions")).find((row) => row.name === name);

// What reaches the console past the runtime's capture: a spy that calls through, installed before
// the runtime (which then wraps it), so it sees what the runtime prints, not what functions pass in.
// The runtime writes its lines in batches, several to one call: line by line here.
const printed: string[] = [];
/**
 * Past the runtime's next write of its lines: a line waits at most 50 ms (its FLUSH_EVERY_MS), on a
 * timer of this process that is due before this one.
 */
const written = () => new Promise((resolve) => setTimeout(resolve, 100));
beforeAll(async () => {
  vi.spyOn(console, "log").mockImplementation((...args) => {
    printed.push(...args.join(" ").split("\n"));
  });
  project = await writeVisibilityProject();
  runtime = await createRuntime({ root: project.root, mode: "dev", port: 0, crons: false, log: true });
});
afterAll(async () => {
  await runtime?.close();
  await project?.remove();
  vi.restoreAllMocks();
});

describe("GET /__runtime/functions after known traffic", () => {
  it("counts the invocations and gives nearest-rank percentiles of their durations", async () => {
    // Ten sequential invocations sleeping 50, 100, …, 500 ms: p50 is the 5th
    // (≥ 250 ms), p95 and p99 the 10th (≥ 500 ms); exactly, the percentiles of the durations the
    // invocations list gives (a loaded machine makes each a little longer, never shorter).
    for (let i = 1; i <= 10; i++) expect((await fetch(url(`/api/sleep?ms=${i * 50}`))).status).toBe(200);
    const row = await fn("api/sleep");
    expect(row).toMatchObject({ invocations: 10, errors: 0, coldStarts: 1 });
    const durations = (await getJson<InvocationRow[]>("/__runtime/invocations?limit=500"))
      .filter((i) => i.function === "api/sleep")
      .map((i) => i.durationMs)
      .sort((a, b) => a - b);
    expect(durations).toHaveLength(10);
    expect(row?.p50Ms).toBe(durations[4]);
    expect(row?.p95Ms).toBe(durations[9]);
    expect(row?.p99Ms).toBe(durations[9]);
    expect(row?.p50Ms).toBeGreaterThanOrEqual(250);
    expect(row?.p95Ms).toBeGreaterThanOrEqual(500);
  });

  it("counts a failing function's invocations as errors", async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(url("/api/fail"))).status).toBe(500);
    expect(await fn("api/fail")).toMatchObject({ invocations: 3, errors: 3, coldStarts: 1 });
  });

  it("counts a cold start once per load: concurrent first calls, then again after the code changes", async () => {
    await Promise.all([1, 2, 3].map((tag) => fetch(url(`/api/chatty?tag=${tag}`))));
    expect(await fn("api/chatty")).toMatchObject({ invocations: 3, coldStarts: 1 });
    await fetch(url("/api/chatty?tag=4"));
    expect((await fn("api/chatty"))?.coldStarts).toBe(1);
    const source = join(project.root, "api/chatty.ts");
    await writeFile(source, 'export const GET = () => Response.json({ tag: "new" });\n');
    const deadline = Date.now() + 10_000;
    while ((await (await fetch(url("/api/chatty"))).json()).tag !== "new") {
      if (Date.now() > deadline) throw new Error("the change was not picked up");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await fn("api/chatty"))?.coldStarts).toBe(2);
  });
});

describe("GET /__runtime/invocations", () => {
  it("lists the latest invocations newest first with the issue's fields, as many as asked", async () => {
    await fetch(url("/api/sleep?ms=1&n=a"));
    await fetch(url("/api/sleep?ms=1&n=b"));
    const items = await getJson<InvocationRow[]>("/__runtime/invocations?limit=2");
    expect(items).toHaveLength(2);
    expect(items.map((i) => i.path)).toEqual(["/api/sleep?ms=1&n=b", "/api/sleep?ms=1&n=a"]);
    expect(items[0]).toMatchObject({ function: "api/sleep", method: "GET", status: 200, cold: false });
    expect(items[0]?.id).toMatch(/^dev1::/);
    expect(items[0]?.durationMs).toBeGreaterThan(0);
    expect(Date.parse(items[0]?.at ?? "")).toBeGreaterThan(Date.parse(items[1]?.at ?? "") - 1);
  });

  it("answers a bad limit with a JSON 400 naming it", async () => {
    for (const limit of ["0", "abc", "1.5", "-1", "100000", ""]) {
      const res = await fetch(url(`/__runtime/invocations?limit=${limit}`));
      expect(res.status, limit).toBe(400);
      expect((await res.json()).error).toMatchObject({
        code: "invalid_request",
        message: expect.stringMatching(/limit/),
      });
    }
  });

  it("keeps each invocation's console output with it, concurrent ones apart", async () => {
    const fresh = await writeVisibilityProject();
    const other = await createRuntime({ root: fresh.root, mode: "dev", port: 0, crons: false });
    try {
      await Promise.all(["x", "y", "z"].map((tag) => fetch(`${other.url}/api/chatty?tag=${tag}`)));
      const items = (await (await fetch(`${other.url}/__runtime/invocations`)).json()) as InvocationRow[];
      expect(items).toHaveLength(3);
      for (const item of items) {
        const tag = new URL(item.path, "http://x").searchParams.get("tag");
        expect(item.logs).toEqual([`start ${tag}`, `warn: end ${tag}`]);
      }
    } finally {
      await other.close();
      await fresh.remove();
    }
  });

  it("never keeps or prints a card number a function logs, nor the query of a sensitive endpoint", async () => {
    printed.length = 0;
    await fetch(url("/api/validate/card?number=4242424242424242"));
    // A function that throws an error quoting a card number: the runtime's report of it is masked.
    expect((await fetch(url("/api/fail?card=1"))).status).toBe(500);
    await fetch(url("/api/leaky"), { method: "POST" });
    const [leaky] = await getJson<InvocationRow[]>("/__runtime/invocations?limit=1");
    expect(leaky?.logs).toEqual(["charging card [card number] for order 17"]);
    await written();
    const all = printed.join("\n");
    expect(all).not.toMatch(/4242/);
    // The function's output is printed under its invocation's line, with its request id.
    const [, id] =
      /\[runtime\] api\/leaky POST \/api\/leaky 204 [\d.]+ms (?:cold|warm) (dev1::\S+)\n/.exec(all) ?? [];
    expect(id).toBeDefined();
    expect(all).toContain(`${id}\n  ${id} │ charging card [card number] for order 17`);
    expect(all).toMatch(/\[runtime\] api\/validate\/card GET \/api\/validate\/card\?number=… 204/);
    expect(all).toMatch(/│ error: \[runtime\] api\/fail\.ts threw: Error: declined \[card number\]/);
  });

  it("hides a sensitive function's query values whatever path reached it", async () => {
    printed.length = 0;
    // A "./" segment the router resolves, and a rewrite (vercel.json: /checkout → the card check).
    for (const target of ["/api/validate/./card?pin=9999", "/checkout?pin=9999"]) {
      expect(await rawGet(target), target).toBe(204);
    }
    const paths = (await getJson<InvocationRow[]>("/__runtime/invocations?limit=2")).map((i) => i.path);
    expect(paths).toEqual(["/checkout?pin=…", "/api/validate/./card?pin=…"]);
    await written();
    const all = printed.join("\n");
    expect(all).toContain("[runtime] api/validate/card GET /checkout?pin=… 204");
    expect(all).not.toContain("9999");
  });
});

describe("the console", () => {
  it("prints a long invocation's output as it comes once it has run a second, under a line saying so", async () => {
    printed.length = 0;
    await (await fetch(url("/api/slow-log"))).text();
    await written();
    const at = (pattern: RegExp) => printed.findIndex((line) => pattern.test(line));
    const running = at(/^\[runtime\] api\/slow-log GET \/api\/slow-log running… dev1::/);
    const id = printed[running]?.split(" ").pop();
    const ended = at(/^\[runtime\] api\/slow-log GET \/api\/slow-log 200 1\d{3}\.\dms (?:cold|warm) dev1::/);
    // In this order: the "running" line, the output held until then, the output after, the end.
    expect(running).toBeGreaterThanOrEqual(0);
    expect(printed.slice(running, ended + 1)).toEqual([
      printed[running],
      `  ${id} │ begun`,
      `  ${id} │ done`,
      printed[ended],
    ]);
  });
});

describe("the request id", () => {
  it("is given to the function in x-vercel-id and echoed in the response, replacing the client's", async () => {
    const res = await fetch(url("/api/sleep"), { headers: { "x-vercel-id": "forged" } });
    const id = res.headers.get("x-vercel-id");
    expect(id).toMatch(/^dev1::[0-9a-f]{8}-[0-9a-z]+-[0-9a-z]+$/);
    expect((await res.json()).requestId).toBe(id);
    const [latest] = await getJson<InvocationRow[]>("/__runtime/invocations?limit=1");
    expect(latest?.id).toBe(id);
  });
});

describe("the other runtime pages", () => {
  it("estimates cost from the configured memory, and says it is an estimate", async () => {
    const cost = await getJson<{
      estimate: boolean;
      note: string;
      functions: { name: string; memoryMb: number; perMillion: { total: number } | null }[];
    }>("/__runtime/cost");
    expect(cost.estimate).toBe(true);
    expect(cost.note).toMatch(/estimate/i);
    const sleep = cost.functions.find((f) => f.name === "api/sleep");
    expect(sleep?.memoryMb).toBe(512);
    expect(sleep?.perMillion?.total).toBeGreaterThan(0.6);
  });

  it("shows a cron job's last run and next run", async () => {
    expect((await runtime.runCron("/api/sleep?ms=1")).status).toBe(200);
    const [job] =
      await getJson<{ path: string; next: string; last: { status: number; ok: boolean } }[]>(
        "/__runtime/crons",
      );
    expect(job).toMatchObject({ path: "/api/sleep?ms=1", last: { status: 200, ok: true } });
    expect(job?.next).toMatch(/-01-01T00:00:00\.000Z$/);
  });

  it("serves the dashboard page to its own origin only, GET only", async () => {
    const page = await fetch(url("/__runtime"));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const crossSite = await fetch(url("/__runtime/functions"), {
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    const otherOrigin = await fetch(url("/__runtime/invocations"), {
      headers: { origin: "https://evil.example" },
    });
    expect(otherOrigin.status).toBe(403);
    // DNS rebinding: another name resolving to this machine is refused by its Host header.
    const { port } = new URL(runtime.url);
    expect(await rawGet("/__runtime/functions", { host: `evil.example:${port}` })).toBe(403);
    // From this machine only, by the socket's address: a claimed one is replaced (a peer elsewhere
    // claiming 127.0.0.1 gets nowhere; routes.test.ts refuses other peers).
    expect(await rawGet("/__runtime/functions", { "x-forwarded-for": "192.0.2.7" })).toBe(200);
    expect((await fetch(url("/__runtime/functions").replace("localhost", "127.0.0.1"))).status).toBe(200);
    const post = await fetch(url("/__runtime/functions"), { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect((await fetch(url("/__runtime/nope"))).status).toBe(404);
  });

  it("is not recorded itself, and is absent with recording off", async () => {
    const before = (await getJson<InvocationRow[]>("/__runtime/invocations?limit=500")).length;
    await getJson("/__runtime/functions");
    expect((await getJson<InvocationRow[]>("/__runtime/invocations?limit=500")).length).toBe(before);
    const plain = await createRuntime({
      root: project.root,
      mode: "dev",
      port: 0,
      crons: false,
      record: false,
    });
    try {
      expect((await fetch(`${plain.url}/__runtime/functions`)).status).toBe(404);
      expect((await fetch(`${plain.url}/api/sleep`)).headers.get("x-vercel-id")).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
