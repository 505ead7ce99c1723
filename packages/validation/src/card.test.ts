import { describe, expect, it } from "vitest";
import { cardCheckRequestSchema, cardNumberSchema } from "./card.ts";
import { fieldErrors } from "./issues.ts";

describe("cardNumberSchema", () => {
  it.each([
    ["4242424242424242", "4242424242424242"],
    ["4242 4242 4242 4242", "4242424242424242"],
    ["  4242-4242-4242-4242 ", "4242424242424242"],
    ["3782 822463 10005", "378282246310005"],
  ])("normalises %j", (input, digits) => {
    expect(cardNumberSchema.parse(input)).toBe(digits);
  });

  it.each([
    [undefined, /required/],
    [4242424242424242, /string/],
    [null, /string/],
    ["", /empty/],
    ["   ", /empty/],
    ["4242 4242 4242 424x", /only digits/],
    ["4242.4242.4242.4242", /only digits/],
    ["4242 4242", /12 to 19 digits; it has 8/],
    ["4".repeat(20), /12 to 19 digits; it has 20/],
    ["4".repeat(65), /too long/],
  ])("rejects %j", (input, message) => {
    const result = cardNumberSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });
});

describe("cardCheckRequestSchema", () => {
  it("names the field in its errors", () => {
    const result = cardCheckRequestSchema.safeParse({ number: "12" });
    expect(result.success).toBe(false);
    if (!result.success) expect(Object.keys(fieldErrors(result.error))).toEqual(["number"]);
  });

  it("puts errors about the whole body under the empty key", () => {
    const result = cardCheckRequestSchema.safeParse([]);
    expect(result.success).toBe(false);
    if (!result.success) expect(Object.keys(fieldErrors(result.error))).toEqual([""]);
  });

  it("ignores unknown fields", () => {
    expect(cardCheckRequestSchema.parse({ number: "4242424242424242", cvc: "123" })).toEqual({
      number: "4242424242424242",
    });
  });
});
