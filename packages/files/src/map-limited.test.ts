import { describe, expect, it } from "vitest";
import { mapLimited } from "./map-limited.ts";

describe("mapLimited", () => {
  it("answers in the items' order, never running more than the limit at once", async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it("answers nothing for no items, and fails when one fails", async () => {
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
    await expect(
      mapLimited([1, 2], 2, async (n) => {
        if (n === 2) throw new Error("two");
        return n;
      }),
    ).rejects.toThrow("two");
  });
});
