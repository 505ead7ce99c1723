import { describe, expect, it } from "vitest";
import { BRAND_RULES, detectBrand } from "./brands.ts";

describe("detectBrand", () => {
  it("recognises a brand from a partial number as someone types", () => {
    expect(detectBrand("4")?.brand).toBe("visa");
    expect(detectBrand("37")?.brand).toBe("amex");
    expect(detectBrand("5")).toBeNull();
    expect(detectBrand("")).toBeNull();
  });

  it("prefers the more specific range where ranges overlap", () => {
    expect(detectBrand("6221")?.brand).toBe("unionpay");
    expect(detectBrand("622126")?.brand).toBe("discover");
    expect(detectBrand("622926")?.brand).toBe("unionpay");
  });

  it("every range has both ends of one width", () => {
    for (const rule of BRAND_RULES) {
      for (const [from, to] of rule.ranges) {
        expect(String(from).length, rule.brand).toBe(String(to).length);
        expect(from).toBeLessThanOrEqual(to);
      }
    }
  });

  it("names, for every range's ends and their neighbours, the widest range that holds the prefix, the first listed on a tie", () => {
    // The rule as the table states it, checked by brute force over every range.
    const reference = (digits: string) => {
      let best: (typeof BRAND_RULES)[number] | null = null;
      let bestWidth = 0;
      for (const rule of BRAND_RULES) {
        for (const [from, to] of rule.ranges) {
          const width = String(from).length;
          const lead = Number(digits.slice(0, width));
          if (digits.length >= width && width > bestWidth && lead >= from && lead <= to) {
            best = rule;
            bestWidth = width;
          }
        }
      }
      return best;
    };
    for (const rule of BRAND_RULES) {
      for (const [from, to] of rule.ranges) {
        for (const n of [from - 1, from, to, to + 1]) {
          for (const digits of [String(n), `${n}0000000000`, `${n}99999999`]) {
            expect(detectBrand(digits)?.brand ?? null, digits).toBe(reference(digits)?.brand ?? null);
          }
        }
      }
    }
  });
});
