import { describe, expect, it } from "vitest";
import { formatCardInput } from "./card-format";

describe("formatCardInput", () => {
  it("groups in fours", () =>
    expect(formatCardInput("4242424242424242", "visa")).toBe("4242 4242 4242 4242"));
  it("groups American Express 4-6-5", () =>
    expect(formatCardInput("378282246310005", "amex")).toBe("3782 822463 10005"));
  it("groups a partly typed American Express 4-6-5 as it grows", () => {
    expect(formatCardInput("37828224", "amex")).toBe("3782 8224");
    expect(formatCardInput("3782822463100", "amex")).toBe("3782 822463 100");
  });
  it("groups in fours a length American Express does not have", () => {
    expect(formatCardInput("3700000000000007", "amex")).toBe("3700 0000 0000 0007");
    expect(formatCardInput("3782822463100051234", "amex")).toBe("3782 8224 6310 0051 234");
  });
  it("groups 14-digit Diners 4-6-4", () =>
    expect(formatCardInput("36227206271667", "diners")).toBe("3622 720627 1667"));
  it("groups Diners of other lengths in fours", () => {
    expect(formatCardInput("3622720627166", "diners")).toBe("3622 7206 2716 6");
    expect(formatCardInput("3622720627166712", "diners")).toBe("3622 7206 2716 6712");
  });
  it("drops anything but digits and stops at 19", () => {
    expect(formatCardInput("4242-4242 x4242", null)).toBe("4242 4242 4242");
    expect(formatCardInput("1".repeat(25), null).replace(/ /g, "")).toHaveLength(19);
  });
  it("keeps a partial group", () => expect(formatCardInput("42424", "visa")).toBe("4242 4"));
});
