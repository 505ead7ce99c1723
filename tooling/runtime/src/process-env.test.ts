import { afterEach, describe, expect, it } from "vitest";
import { setProcessEnv } from "./process-env.ts";

const NAMES = ["RUNTIME_TEST_A", "RUNTIME_TEST_B"];

afterEach(() => {
  for (const name of NAMES) delete process.env[name];
});

describe("setProcessEnv", () => {
  it("overwrites when told to, and keeps a value already set when told to keep", () => {
    process.env.RUNTIME_TEST_A = "mine";
    setProcessEnv({ RUNTIME_TEST_A: "local", RUNTIME_TEST_B: "local" }, { keep: true });
    expect([process.env.RUNTIME_TEST_A, process.env.RUNTIME_TEST_B]).toEqual(["mine", "local"]);
    setProcessEnv({ RUNTIME_TEST_A: "config" }, { keep: false });
    expect(process.env.RUNTIME_TEST_A).toBe("config");
  });
});
