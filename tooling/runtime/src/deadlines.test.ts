import { describe, expect, it } from "vitest";
import { watchDeadline } from "./deadlines.ts";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("watchDeadline", () => {
  it("expires a deadline once its time has passed, within a tick, and never one that was done", async () => {
    const expired: string[] = [];
    const started = performance.now();
    let expiredAfter = 0;
    watchDeadline(30, () => {
      expired.push("slow");
      expiredAfter = performance.now() - started;
    });
    const done = watchDeadline(30, () => expired.push("finished in time"));
    done();
    await wait(250);
    expect(expired).toEqual(["slow"]);
    expect(expiredAfter).toBeGreaterThanOrEqual(29);
    expect(expiredAfter).toBeLessThan(200);
  });

  it("watches many at once, each on its own time", async () => {
    const expired: number[] = [];
    for (const ms of [250, 20, 120]) watchDeadline(ms, () => expired.push(ms));
    await wait(400);
    expect(expired).toEqual([20, 120, 250]);
  });
});
