import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { IdleCollector } from "./idle-collector.ts";

const IDLE_MS = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (real timers: a loaded machine may fire them late). */
const eventually = (check: () => boolean, timeout = 5_000) => vi.waitUntil(check, { timeout, interval: 10 });

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

let collectors: IdleCollector[] = [];
function collector(collect: () => void = () => {}): IdleCollector {
  const idle = new IdleCollector({ idleMs: IDLE_MS, collect });
  collectors.push(idle);
  return idle;
}
afterEach(() => {
  for (const idle of collectors) idle.close();
  collectors = [];
  vi.restoreAllMocks();
});

describe("IdleCollector", () => {
  it("collects once after a quiet window, then not again until a request comes", async () => {
    const times: number[] = [];
    const idle = collector(() => times.push(performance.now()));
    const started = performance.now();
    idle.start();
    await eventually(() => times.length === 1);
    expect((times[0] ?? 0) - started).toBeGreaterThanOrEqual(IDLE_MS - 1);
    await sleep(IDLE_MS * 5);
    expect(times).toHaveLength(1);

    idle.begin();
    idle.end();
    const ended = performance.now();
    await eventually(() => times.length === 2);
    // A whole quiet window after the last response, at most two.
    expect((times[1] ?? 0) - ended).toBeGreaterThanOrEqual(IDLE_MS - 1);
  });

  it("does not start counting before start() or a first request", async () => {
    const collect = vi.fn();
    collector(collect);
    await sleep(IDLE_MS * 4);
    expect(collect).not.toHaveBeenCalled();
  });

  it("never collects while a request is in flight, however long it takes", async () => {
    const collect = vi.fn();
    const idle = collector(collect);
    idle.begin();
    await sleep(IDLE_MS * 8);
    expect(collect).not.toHaveBeenCalled();
    idle.end();
    await eventually(() => collect.mock.calls.length === 1);
  });

  it("waits while requests keep coming, each one restarting the window", async () => {
    const collect = vi.fn();
    const idle = collector(collect);
    idle.start();
    // Requests a third of a window apart for four windows: never quiet for a whole one.
    for (let i = 0; i < 12; i++) {
      idle.begin();
      idle.end();
      await sleep(IDLE_MS / 3);
    }
    expect(collect).not.toHaveBeenCalled();
    await eventually(() => collect.mock.calls.length === 1);
  });

  it("stops on close: no collection after, and no timer left", async () => {
    const before = timeouts();
    const collect = vi.fn();
    const idle = collector(collect);
    idle.start();
    idle.close();
    expect(timeouts()).toBe(before);
    idle.begin();
    idle.end();
    await sleep(IDLE_MS * 4);
    expect(collect).not.toHaveBeenCalled();
  });

  it("does not keep the process alive: its timer is unref'd", () => {
    const before = timeouts();
    const idle = collector();
    idle.start();
    idle.begin();
    // A ref'd timer is an active resource; an unref'd one is not.
    expect(timeouts()).toBe(before);
  });

  it("a failing collection is logged once and stops the collector, never thrown", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const collect = vi.fn(() => {
      throw new Error("no gc here");
    });
    const idle = collector(collect);
    idle.start();
    await eventually(() => error.mock.calls.length === 1);
    expect(String(error.mock.calls[0]?.[0])).toContain("idle memory collection failed");
    idle.begin();
    idle.end();
    await sleep(IDLE_MS * 4);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it("counts real HTTP requests in and out: a response held open blocks it until it closes", async () => {
    const collect = vi.fn();
    const idle = collector(collect);
    let held: ServerResponse | undefined;
    const server = createServer(
      idle.watch((req, res) => {
        if (req.url === "/hold") held = res;
        else res.end("quick");
      }),
    );
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${url}/quick`)).text()).toBe("quick");
      const slow = fetch(`${url}/hold`);
      await eventually(() => held !== undefined);
      // The quick one ended long ago; the held one is in flight.
      await sleep(IDLE_MS * 6);
      expect(collect).not.toHaveBeenCalled();
      held?.end("done");
      expect(await (await slow).text()).toBe("done");
      await eventually(() => collect.mock.calls.length === 1);

      // A client that goes away mid-response ends the request too.
      held = undefined;
      const aborted = new AbortController();
      const cut = fetch(`${url}/hold`, { signal: aborted.signal }).catch(() => "aborted");
      await eventually(() => held !== undefined);
      aborted.abort();
      expect(await cut).toBe("aborted");
      await eventually(() => collect.mock.calls.length === 2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
