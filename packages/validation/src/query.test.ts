import { describe, expect, it } from "vitest";
import { z } from "zod";
import { flag, queryRecord, required, single, wholeNumber } from "./query.ts";

describe("queryRecord", () => {
  it("keeps one value as a string and a repeated one as all of them", () => {
    expect(queryRecord(new URLSearchParams("a=1&b=2&b=3&c="))).toEqual({ a: "1", b: ["2", "3"], c: "" });
  });
});

describe("query parameters", () => {
  const schema = z.object({
    name: required("name", "?name=x"),
    note: single("note").pipe(z.string().optional()),
    count: wholeNumber("count", { min: 1, max: 5, default: 2 }),
    loud: flag("loud"),
  });
  const parse = (q: string) => schema.safeParse(queryRecord(new URLSearchParams(q)));

  it("reads them, with defaults", () => {
    expect(parse("name=x").data).toEqual({ name: "x", note: undefined, count: 2, loud: false });
    expect(parse("name=x&note=n&count=5&loud=true").data).toEqual({
      name: "x",
      note: "n",
      count: 5,
      loud: true,
    });
  });

  it.each([
    ["", "name is required, e.g. ?name=x"],
    ["name=", "name is required, e.g. ?name=x"],
    ["name=x&name=y", "name was given 2 times; give it once"],
    ["name=x&note=a&note=b", "note was given 2 times; give it once"],
    ["name=x&count=6", "count must be a whole number from 1 to 5"],
    ["name=x&count=+3", "count must be a whole number from 1 to 5"],
    ["name=x&loud=on", "loud must be true or false"],
  ])("refuses %j: %s", (q, message) => {
    const result = parse(q);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });
});
