import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { filterConsoleErrors, workflowFatalErrors } from "../console-filter.ts";
import {
  type ConsoleOwner,
  captureConsole,
  currentInvocation,
  FLUSH_EVERY_MS,
  flushRuntimeLines,
  MAX_KEPT_CHARS,
  MAX_LINES,
  printRuntimeLine,
} from "./invocation-console.ts";

const owner = (id: string): ConsoleOwner & { said: string[] } => ({
  id,
  print: true,
  logs: null,
  droppedLogs: 0,
  said: [],
  say(line) {
    this.said.push(line);
  },
});

/**
 * A function that logs a preview of a 1 MB body and the whole of it (cut to MAX_LINE_CHARS): kept as
 * slices, each line would hold its megabyte for as long as the ring keeps the invocation.
 */
function logLargeBody(i: number): void {
  const bytes = Buffer.alloc(1_000_000, "y");
  bytes.write(`${i} `);
  const body = bytes.toString("latin1");
  console.log(body.slice(0, 100));
  console.warn(body);
}

// As the CLI installs them: the capture first, the Workflow SDK filter over it.
const log = vi.spyOn(console, "log").mockImplementation(() => {});
const error = vi.spyOn(console, "error").mockImplementation(() => {});
captureConsole();
const restore = filterConsoleErrors([workflowFatalErrors()]);
afterAll(() => {
  restore();
  vi.restoreAllMocks();
});

describe("captureConsole", () => {
  it("keeps each invocation's lines with it, tagged by level, card numbers masked", async () => {
    const a = owner("dev1::a");
    const b = owner("dev1::b");
    const run = (o: ConsoleOwner, text: string) =>
      currentInvocation.run(o, async () => {
        console.log(text, 1);
        await new Promise((r) => setTimeout(r, 5));
        console.warn(`${text} later`);
      });
    await Promise.all([run(a, "from a"), run(b, "from b 4242424242424242")]);
    expect(a.logs).toEqual(["from a 1", "warn: from a later"]);
    expect(b.logs).toEqual(["from b [card number] 1", "warn: from b [card number] later"]);
    expect(a.said).toEqual(a.logs);
  });

  it("keeps at most MAX_LINES lines and MAX_KEPT_CHARS characters of an invocation, and counts the rest", () => {
    const many = { ...owner("dev1::many"), say() {} };
    currentInvocation.run(many, () => {
      for (let i = 0; i < 60; i++) console.log(`line ${i}`);
    });
    expect(many.logs).toHaveLength(MAX_LINES);
    expect(many.droppedLogs).toBe(60 - MAX_LINES);
    const long = { ...owner("dev1::long"), say() {} };
    currentInvocation.run(long, () => {
      for (let i = 0; i < 30; i++) console.log("x".repeat(5000));
    });
    const kept = (long.logs ?? []).reduce((n, line) => n + line.length, 0);
    expect(kept).toBeLessThanOrEqual(MAX_KEPT_CHARS);
    expect(long.logs?.length).toBeGreaterThan(5);
    expect((long.logs?.length ?? 0) + long.droppedLogs).toBe(30);
  });

  it("keeps no more of a logged string than the line it kept, whose parent may be megabytes", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const owners: ConsoleOwner[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 40; i++) {
      const o: ConsoleOwner = { ...owner(`dev1::m${i}`), say() {} };
      owners.push(o);
      // The body is made inside the invocation: a closure over it here would keep it alive itself.
      currentInvocation.run(o, logLargeBody, i);
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(owners.map((o) => o.logs?.length)).toEqual(owners.map(() => 2));
    expect(owners[0]?.logs?.[1]).toMatch(/^warn: 0 y+… \(1000000 chars\)$/);
    // 40 MB if each kept line held its body; measured ~0.2 MB.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });

  it("leaves output outside any invocation untouched", () => {
    console.log("plain", { x: 1 });
    expect(log).toHaveBeenLastCalledWith("plain", { x: 1 });
  });

  it("keeps the Workflow SDK's FatalError as the filter's one line, not its stack", () => {
    const o = owner("dev1::c");
    currentInvocation.run(o, () => {
      console.error("[Workflow] Encountered FatalError while executing step", {
        workflowRunId: "wrun_1",
        stepName: "step//analyzeBlob",
        errorStack: "FatalError: The file was deleted.\n    at giveUp (x.js:1:1)",
      });
    });
    expect(o.logs).toEqual(["[workflow] wrun_1 stopped in analyzeBlob, not retried: The file was deleted."]);
    expect(error).not.toHaveBeenCalled();
  });
});

describe("printRuntimeLine", () => {
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  const quiet = () => new Promise((resolve) => setTimeout(resolve, FLUSH_EVERY_MS + 10));

  it("after a quiet spell, writes a turn's lines together at its end, in order, in one console.log", async () => {
    await quiet();
    log.mockClear();
    printRuntimeLine("[runtime] one");
    printRuntimeLine("[runtime] two");
    expect(log).not.toHaveBeenCalled();
    await turn();
    expect(log.mock.calls).toEqual([["[runtime] one\n[runtime] two"]]);
  });

  it("while lines keep coming, writes them together at most FLUSH_EVERY_MS after the last write", async () => {
    await quiet();
    log.mockClear();
    printRuntimeLine("[runtime] a");
    await turn();
    expect(log.mock.calls).toEqual([["[runtime] a"]]);
    printRuntimeLine("[runtime] b");
    await turn();
    printRuntimeLine("[runtime] c");
    await turn();
    expect(log.mock.calls).toEqual([["[runtime] a"]]);
    await vi.waitUntil(() => log.mock.calls.length === 2, { timeout: 1000, interval: 5 });
    expect(log.mock.calls).toEqual([["[runtime] a"], ["[runtime] b\n[runtime] c"]]);
  });

  it("writes 256 waiting lines at once, whatever the time", async () => {
    await quiet();
    printRuntimeLine("[runtime] x");
    await turn();
    log.mockClear();
    for (let i = 0; i < 256; i++) printRuntimeLine(`[runtime] ${i}`);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0]).split("\n")).toHaveLength(256);
  });

  it("writes its pending lines before any other console output, which stays in order after them", async () => {
    log.mockClear();
    printRuntimeLine("[runtime] first");
    console.log("plain, outside any invocation");
    printRuntimeLine("[runtime] after");
    await vi.waitUntil(() => log.mock.calls.length === 3, { timeout: 1000, interval: 5 });
    expect(log.mock.calls).toEqual([
      ["[runtime] first"],
      ["plain, outside any invocation"],
      ["[runtime] after"],
    ]);
  });

  it("writes its pending lines when the process exits or crashes", () => {
    printRuntimeLine("[runtime] due");
    expect(process.listeners("exit")).toContain(flushRuntimeLines);
    expect(process.listeners("uncaughtExceptionMonitor")).toContain(flushRuntimeLines);
    log.mockClear();
    flushRuntimeLines();
    expect(log.mock.calls).toEqual([["[runtime] due"]]);
  });
});
