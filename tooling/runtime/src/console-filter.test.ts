import { afterEach, describe, expect, it, vi } from "vitest";
import { filterConsoleErrors, workflowFatalErrors } from "./console-filter.ts";

const STACK =
  "FatalError: The file was deleted before it could be processed.\n    at giveUp (/x/step.js:1:1)\n    at async analyzeBlob (/x/step.js:2:2)";

let restore = () => {};
afterEach(() => restore());

describe("filterConsoleErrors with workflowFatalErrors", () => {
  it("turns the SDK's two FatalError entries of a run into one short line on stdout", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    restore = filterConsoleErrors([workflowFatalErrors()]);
    console.error("[Workflow] Encountered FatalError while executing step, bubbling up to parent workflow", {
      workflowRunId: "wrun_1",
      stepName: "step//./src/steps//analyzeBlob",
      errorStack: STACK,
    });
    console.error("[Workflow] Error while running workflow", {
      workflowRunId: "wrun_1",
      errorCode: "USER_ERROR",
      errorName: "FatalError",
      errorStack: STACK,
    });
    restore();
    expect(log.mock.calls).toEqual([
      [
        "[workflow] wrun_1 stopped in analyzeBlob, not retried: The file was deleted before it could be processed.",
      ],
    ]);
    expect(error).not.toHaveBeenCalled();
    log.mockRestore();
    error.mockRestore();
  });

  it("leaves every other error as it was, the SDK's other failures included", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    restore = filterConsoleErrors([workflowFatalErrors()]);
    const crash = { workflowRunId: "wrun_2", errorName: "TypeError", errorStack: "TypeError: x\n    at y" };
    console.error("[Workflow] Error while running workflow", crash);
    console.error("[runtime] api/x.ts failed to load:", new Error("boom"));
    restore();
    expect(error.mock.calls).toEqual([
      ["[Workflow] Error while running workflow", crash],
      ["[runtime] api/x.ts failed to load:", new Error("boom")],
    ]);
    error.mockRestore();
  });

  it("tells a FatalError thrown by the workflow itself, with no step entry before it, once", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    restore = filterConsoleErrors([workflowFatalErrors()]);
    console.error("[Workflow] Error while running workflow", {
      workflowRunId: "wrun_3",
      errorName: "FatalError",
      errorStack: "FatalError: no input\n    at z",
    });
    restore();
    expect(log.mock.calls).toEqual([["[workflow] wrun_3 stopped, not retried: no input"]]);
    log.mockRestore();
  });
});
