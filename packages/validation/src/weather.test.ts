import { describe, expect, it } from "vitest";
import { fieldErrors } from "./issues.ts";
import { queryRecord } from "./query.ts";
import { weatherQuerySchema, zipcodeSchema } from "./weather.ts";

const parse = (query: string) => weatherQuerySchema.safeParse(queryRecord(new URLSearchParams(query)));

describe("zipcodeSchema", () => {
  it.each([
    ["48824", "48824"],
    [" 48824 ", "48824"],
    ["02134", "02134"],
    ["00601", "00601"],
    ["48824-1234", "48824"],
  ])("accepts %j as %j, a string", (input, zip) => {
    expect(zipcodeSchema.parse(input)).toBe(zip);
  });

  it.each(["4882", "488245", "48824-12", "48824 1234", "4882a", "", "  ", "４８８２４", "48824-", "-48824"])(
    "rejects %j, saying what a ZIP looks like",
    (input) => {
      const result = zipcodeSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/5 digits like 48824|empty/);
    },
  );
});

describe("weatherQuerySchema", () => {
  it("fills the defaults", () => {
    expect(parse("zipcode=48824").data).toEqual({ zipcode: "48824", units: "imperial", days: 7, hours: 24 });
  });

  it("takes every parameter in range, ignoring unknown ones", () => {
    expect(parse("zipcode=02134&units=metric&days=16&hours=0&_=123").data).toEqual({
      zipcode: "02134",
      units: "metric",
      days: 16,
      hours: 0,
    });
  });

  it.each([
    ["", "zipcode", /required/],
    ["zipcode=48824&zipcode=02134", "zipcode", /given 2 times/],
    ["zipcode=48824&units=kelvin", "units", /imperial .* or metric/],
    ["zipcode=48824&units=metric&units=imperial", "units", /given 2 times/],
    ["zipcode=48824&days=0", "days", /1 to 16/],
    ["zipcode=48824&days=17", "days", /1 to 16/],
    ["zipcode=48824&days=7.5", "days", /1 to 16/],
    ["zipcode=48824&days=", "days", /1 to 16/],
    ["zipcode=48824&days=-1", "days", /1 to 16/],
    ["zipcode=48824&hours=169", "hours", /0 to 168/],
    ["zipcode=48824&hours=1e2", "hours", /0 to 168/],
    ["zipcode=48824&hours=24&hours=48", "hours", /given 2 times/],
  ])("rejects %j naming %s", (query, field, message) => {
    const result = parse(query);
    expect(result.success).toBe(false);
    if (result.success) return;
    const errors = fieldErrors(result.error);
    expect(Object.keys(errors)).toContain(field);
    expect(errors[field]?.[0]).toMatch(message);
  });
});
