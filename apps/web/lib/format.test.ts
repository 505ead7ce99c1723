import { describe, expect, it } from "vitest";
import {
  alertsNote,
  compass,
  dayLabel,
  formatDuration,
  formatNumber,
  formatPercent,
  formatRelative,
  localTime,
  placeTime,
  withUnit,
  zoneAbbreviation,
} from "./format";

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

describe("formatNumber", () => {
  it("groups whole numbers", () => {
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(-42)).toBe("-42");
  });
  it("keeps decimals in proportion to the size", () => {
    expect(formatNumber(1234.5678)).toBe("1,234.6");
    expect(formatNumber(Math.PI)).toBe("3.142");
    expect(formatNumber(0.000123456)).toBe("0.000123");
    expect(formatNumber(-0.5)).toBe("-0.5");
    expect(formatNumber(1e-9)).toBe("1.00e-9");
  });
  it("shows a dash for missing or impossible values", () => {
    expect(formatNumber(null)).toBe("—");
    expect(formatNumber(Number.NaN)).toBe("—");
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("—");
  });
});

describe("formatPercent", () => {
  it("turns shares into percentages without trailing zeros", () => {
    expect(formatPercent(0.425)).toBe("42.5%");
    expect(formatPercent(0.5)).toBe("50%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(0.12345, 0)).toBe("12%");
  });
  it("never rounds a real share down to zero", () => {
    expect(formatPercent(0.0001)).toBe("<0.1%");
    expect(formatPercent(0.001, 0)).toBe("<1%");
  });
  it("shows a dash for missing values", () => expect(formatPercent(null)).toBe("—"));
});

describe("formatDuration", () => {
  it("picks a unit a person reads at a glance", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(850.4)).toBe("850 ms");
    expect(formatDuration(1234)).toBe("1.2 s");
    expect(formatDuration(2000)).toBe("2 s");
    expect(formatDuration(42_400)).toBe("42 s");
    expect(formatDuration(120_000)).toBe("2 min");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(3_720_000)).toBe("1 h 2 min");
  });
  it("shows a dash for missing or negative durations", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(-5)).toBe("—");
  });
});

describe("formatRelative", () => {
  const now = new Date("2026-12-06T12:00:00Z");
  it.each([
    ["2026-12-06T11:59:50Z", "just now"],
    ["2026-12-06T11:55:00Z", "5 minutes ago"],
    ["2026-12-06T09:00:00Z", "3 hours ago"],
    ["2026-12-05T12:00:00Z", "yesterday"],
    ["2026-11-15T12:00:00Z", "3 weeks ago"],
    ["2025-12-06T12:00:00Z", "last year"],
  ])("%s is %s", (then, words) => expect(formatRelative(new Date(then), now)).toBe(words));
});

describe("placeTime", () => {
  it("shows the place's clock and names its zone", () => {
    expect(placeTime("2025-01-15T10:00:00-05:00", "America/New_York")).toBe("10:00 AM EST");
    expect(placeTime("2025-07-15T10:00:00-04:00", "America/Detroit")).toBe("10:00 AM EDT");
    expect(placeTime("2025-07-15T14:30:00+05:30", "Asia/Kolkata")).toBe("2:30 PM GMT+5:30");
  });
  it("says local time for a zone it cannot name, and a dash for no time", () => {
    expect(placeTime("2025-01-15T10:00:00-05:00", "Not/AZone")).toBe("10:00 AM local time");
    expect(placeTime(null, "America/New_York")).toBe("—");
  });
  it("names the zone at the moment given, not now", () =>
    expect(zoneAbbreviation("2025-07-01T12:00:00-07:00", "America/Los_Angeles")).toBe("PDT"));
});

describe("alertsNote", () => {
  it("keeps the reason but not the provider's own error text", () => {
    expect(
      alertsNote("The National Weather Service is having trouble (HTTP 503: Forecast Grid Expired)."),
    ).toBe("The National Weather Service is having trouble.");
    expect(alertsNote("The National Weather Service is having trouble (HTTP error).")).toBe(
      "The National Weather Service is having trouble.",
    );
  });
  it("leaves a reason with no provider text as it is", () =>
    expect(alertsNote("The National Weather Service did not answer in time.")).toBe(
      "The National Weather Service did not answer in time.",
    ));
  it("says something when no reason was given", () =>
    expect(alertsNote(undefined)).toBe("The National Weather Service could not be asked for alerts."));
});
