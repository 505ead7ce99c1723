import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { reduceMemory } from "./reduce-memory.ts";
import { createRuntime } from "./server.ts";

// The collection itself is reduce-memory.test.ts's; here, when the runtime asks for it.
vi.mock("./reduce-memory.ts", () => ({ reduceMemory: vi.fn() }));
const collections = vi.mocked(reduceMemory);

const IDLE_MS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (real timers: a loaded machine may fire them late). */
const eventually = (check: () => boolean, timeout = 10_000) => vi.waitUntil(check, { timeout, interval: 10 });

async function write(root: string, file: string, text: string) {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), text);
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "runtime-idle-"));
  await write(root, "vercel.json", "{}");
  await write(root, "api/quick.ts", 'export const GET = () => new Response("quick");\n');
  await write(
    root,
    "api/wait.ts",
    // Functions run in this process: the flag tells the test the request is in flight.
    'export const GET = async () => { (globalThis as { waitInFlight?: boolean }).waitInFlight = true; await new Promise((r) => setTimeout(r, 1000)); return new Response("done"); };\n',
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the runtime's idle collection (pnpm start)", () => {
  it("collects once started and idle, never while a function runs, again once it is idle", async () => {
    collections.mockClear();
    const runtime = await createRuntime({ root, mode: "start", port: 0, idleCollectMs: IDLE_MS });
    try {
      await eventually(() => collections.mock.calls.length === 1);
      collections.mockClear();

      expect(await (await fetch(`${runtime.url}/api/quick`)).text()).toBe("quick");
      const slow = fetch(`${runtime.url}/api/wait`);
      await eventually(() => (globalThis as { waitInFlight?: boolean }).waitInFlight === true);
      // Before it arrived the runtime may have been idle a whole window; from here it is not.
      collections.mockClear();
      // Most of the second before it answers: four windows with a request in flight, none collected.
      await sleep(700);
      expect(collections).not.toHaveBeenCalled();
      expect(await (await slow).text()).toBe("done");
      const answered = performance.now();
      await eventually(() => collections.mock.calls.length === 1);
      expect(performance.now() - answered).toBeGreaterThanOrEqual(IDLE_MS - 1);
    } finally {
      await runtime.close();
    }
    // Closed: nothing more, though requests came after the last collection.
    collections.mockClear();
    await sleep(IDLE_MS * 3);
    expect(collections).not.toHaveBeenCalled();
  });

  it("idleCollectMs: false never collects", async () => {
    collections.mockClear();
    const runtime = await createRuntime({ root, mode: "start", port: 0, idleCollectMs: false });
    try {
      await (await fetch(`${runtime.url}/api/quick`)).text();
      await sleep(IDLE_MS * 4);
      expect(collections).not.toHaveBeenCalled();
    } finally {
      await runtime.close();
    }
  });
});
