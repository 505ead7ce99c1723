import { describe, expect, it } from "vitest";
import { luhnValid } from "./luhn.ts";

describe("luhnValid", () => {
  it.each(["4242424242424242", "378282246310005", "6011111111111117", "79927398713", "0"])(
    "accepts %s",
    (n) => expect(luhnValid(n)).toBe(true),
  );

  it("rejects a single mistyped digit in every position", () => {
    const good = "4242424242424242";
    for (let i = 0; i < good.length; i++) {
      const d = Number(good[i]);
      const bad = good.slice(0, i) + String((d + 1) % 10) + good.slice(i + 1);
      expect(luhnValid(bad), bad).toBe(false);
    }
  });

  it("rejects an adjacent swap", () => {
    expect(luhnValid("4242424242424224")).toBe(false);
  });

  it.each(["", "4242 4242", "42a2", "-1"])("rejects non-digit input %j", (n) => {
    expect(luhnValid(n)).toBe(false);
  });
});
