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

  it("keeps the others when deadlines in the middle, at either end or twice over are done", async () => {
    const expired: string[] = [];
    const done = ["a", "b", "c", "d", "e"].map((name) => watchDeadline(40, () => expired.push(name)));
    done[2]?.();
    done[0]?.();
    done[4]?.();
    done[2]?.();
    await wait(250);
    expect(expired).toEqual(["b", "d"]);
  });

  it("lets an expiry end other deadlines, and still expires the rest", async () => {
    const expired: string[] = [];
    let endSecond = () => {};
    watchDeadline(20, () => {
      expired.push("first");
      endSecond();
    });
    endSecond = watchDeadline(20, () => expired.push("second"));
    watchDeadline(20, () => expired.push("third"));
    await wait(250);
    expect(expired).toEqual(["first", "third"]);
  });
});
