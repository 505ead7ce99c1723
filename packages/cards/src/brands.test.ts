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
});
