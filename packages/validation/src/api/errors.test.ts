import { describe, expect, it } from "vitest";
import { errorBodySchema } from "./errors.ts";

describe("errorBodySchema", () => {
  it("reads our error answers, with or without details", () => {
    const body = { error: { code: "blob_not_found", message: "No blob.", details: { path: "a" } } };
    expect(errorBodySchema.parse(body)).toEqual(body);
    expect(errorBodySchema.parse({ error: { code: "x", message: "y" } })).toEqual({
      error: { code: "x", message: "y" },
    });
  });

  it.each([
    null,
    "<html>",
    {},
    { error: "nope" },
    { error: { code: 1, message: "m" } },
    { code: "x", message: "y" },
  ])("refuses %j, which is no error answer of ours", (body) => {
    expect(errorBodySchema.safeParse(body).success).toBe(false);
  });
});
