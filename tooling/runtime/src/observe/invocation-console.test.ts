import { afterAll, describe, expect, it, vi } from "vitest";
import { filterConsoleErrors, workflowFatalErrors } from "../console-filter.ts";
import {
  type ConsoleOwner,
  captureConsole,
  currentInvocation,
  flushRuntimeLines,
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

  it("writes a turn's lines together at its end, in order, in one console.log", async () => {
    log.mockClear();
    printRuntimeLine("[runtime] one");
    printRuntimeLine("[runtime] two");
    expect(log).not.toHaveBeenCalled();
    await turn();
    expect(log.mock.calls).toEqual([["[runtime] one\n[runtime] two"]]);
  });

  it("writes its pending lines before any other console output, which stays in order after them", async () => {
    log.mockClear();
    printRuntimeLine("[runtime] first");
    console.log("plain, outside any invocation");
    printRuntimeLine("[runtime] after");
    await turn();
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
