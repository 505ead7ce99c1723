import { describe, expect, it } from "vitest";
import { showsOfflineHint } from "./offline-hint";

describe("showsOfflineHint", () => {
  it.each([
    [502, "upstream_unreachable"],
    [502, "upstream_error"],
    [503, "upstream_rate_limited"],
    [504, "upstream_timeout"],
  ])("shows it in development for %i %s", (status, code) =>
    expect(showsOfflineHint({ status, code }, "development")).toBe(true),
  );

  it("never shows it in a production build", () =>
    expect(showsOfflineHint({ status: 502, code: "upstream_unreachable" }, "production")).toBe(false));

  it.each([
    [404, "unknown_zipcode"],
    [400, "invalid_request"],
    [503, "misconfigured"],
    [0, "network_error"],
  ])("does not show it for %i %s, which the stand-in would not change", (status, code) =>
    expect(showsOfflineHint({ status, code }, "development")).toBe(false),
  );
});
