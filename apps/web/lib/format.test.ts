import { describe, expect, it } from "vitest";
import { compass, dayLabel, localTime, withUnit } from "./format";

describe("format", () => {
  it("never turns a missing value into zero", () => {
    expect(withUnit(null, "°F")).toBe("—");
    expect(withUnit(0, "°F")).toBe("0°F");
    expect(withUnit(12.34, "mph", 1)).toBe("12.3 mph");
  });
  it("names wind directions", () => {
    expect(compass(0)).toBe("N");
    expect(compass(225)).toBe("SW");
    expect(compass(359)).toBe("N");
    expect(compass(null)).toBe("");
  });
  it("shows the place's own clock from an offset time", () => {
    expect(localTime("2025-08-07T14:05:00-04:00")).toBe("2:05 PM");
    expect(localTime("2025-08-07T00:30:00+05:30")).toBe("12:30 AM");
  });
  it("reads dates as calendar dates", () => expect(dayLabel("2025-08-07")).toBe("Thu, Aug 7"));
});
