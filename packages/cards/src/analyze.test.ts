import { describe, expect, it } from "vitest";
import { analyzeCard, maskCard } from "./analyze.ts";
import { luhnValid } from "./luhn.ts";

/** Completes a prefix padded with zeros to `length` digits with the digit that makes Luhn pass. */
function cardNumber(prefix: string, length: number): string {
  const body = prefix.padEnd(length - 1, "0");
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable");
}

describe("analyzeCard", () => {
  it("answers the documented example", () => {
    expect(analyzeCard("4242424242424242")).toEqual({
      valid: true,
      brand: "visa",
      brandName: "Visa",
      luhn: true,
      length: 16,
      expectedLengths: [13, 16, 19],
      cvcLength: 3,
      masked: "•••• 4242",
      reasons: [],
    });
  });

  it.each([
    ["4222222222222", "visa"],
    ["4000056655665556", "visa"],
    ["5555555555554444", "mastercard"],
    ["2223003122003222", "mastercard"],
    [cardNumber("2720", 16), "mastercard"],
    ["378282246310005", "amex"],
    ["371449635398431", "amex"],
    ["6011111111111117", "discover"],
    [cardNumber("644", 16), "discover"],
    [cardNumber("65", 19), "discover"],
    [cardNumber("622126", 16), "discover"],
    ["3566002020360505", "jcb"],
    ["3056930009020004", "diners"],
    ["36227206271667", "diners"],
    ["6200000000000005", "unionpay"],
    [cardNumber("621", 19), "unionpay"],
    [cardNumber("6759", 12), "maestro"],
    [cardNumber("5018", 19), "maestro"],
    [cardNumber("2200", 16), "mir"],
  ])("%s is a valid %s card", (digits, brand) => {
    const result = analyzeCard(digits);
    expect(result.brand).toBe(brand);
    expect(result.reasons).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("the edges of the Mastercard 2-series are exact", () => {
    expect(analyzeCard(cardNumber("2220", 16)).brand).toBeNull();
    expect(analyzeCard(cardNumber("2721", 16)).brand).toBeNull();
  });

  it("a wrong length for the brand is invalid with a reason naming the lengths", () => {
    const amex16 = cardNumber("37", 16);
    const result = analyzeCard(amex16);
    expect(result.luhn).toBe(true);
    expect(result.valid).toBe(false);
    expect(result.reasons).toEqual(["American Express numbers have 15 digits; this one has 16."]);
    expect(analyzeCard(cardNumber("4", 15)).reasons[0]).toBe(
      "Visa numbers have 13, 16 or 19 digits; this one has 15.",
    );
    expect(analyzeCard(cardNumber("3528", 15)).reasons[0]).toBe(
      "JCB numbers have 16 to 19 digits; this one has 15.",
    );
  });

  it("a failed check digit is invalid and says so", () => {
    const result = analyzeCard("4242424242424241");
    expect(result).toMatchObject({ valid: false, brand: "visa", luhn: false });
    expect(result.reasons[0]).toMatch(/Luhn/);
  });

  it("an unknown issuer is invalid even when Luhn passes", () => {
    const result = analyzeCard(cardNumber("9", 16));
    expect(result).toMatchObject({
      valid: false,
      brand: null,
      brandName: null,
      luhn: true,
      expectedLengths: [],
    });
    expect(result.reasons[0]).toMatch(/brand/);
  });

  it("masks all but the last four digits", () => {
    expect(maskCard("378282246310005")).toBe("•••• 0005");
    expect(JSON.stringify(analyzeCard("378282246310005"))).not.toContain("3782822463");
  });
});
