import { blobListQuerySchema } from "@repo/validation/api/blobs";
import { describe, expect, it } from "vitest";
import { HttpError } from "./http-error.js";
import { parseQuery } from "./query.js";

const request = (query: string) => new Request(`http://localhost/api/blobs?${query}`);

describe("parseQuery", () => {
  it("answers the schema's output", () => {
    expect(parseQuery(request("prefix=uploads/&limit=5"), blobListQuerySchema)).toEqual({
      prefix: "uploads/",
      limit: 5,
      cursor: null,
    });
  });

  it("refuses with a 400 invalid_request naming every field at fault", () => {
    let error: unknown;
    try {
      parseQuery(request("limit=0&cursor=a&cursor=b"), blobListQuerySchema);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      status: 400,
      code: "invalid_request",
      message: "limit must be a whole number from 1 to 1000",
      details: {
        fields: {
          limit: ["limit must be a whole number from 1 to 1000"],
          cursor: ["cursor was given 2 times; give it once"],
        },
      },
    });
  });

  it("answers a repeated query as the first time, each caller with an object of its own", () => {
    const first = parseQuery(request("prefix=a/&limit=7"), blobListQuerySchema);
    first.limit = 99;
    const second = parseQuery(request("prefix=a/&limit=7"), blobListQuerySchema);
    expect(second).toEqual({ prefix: "a/", limit: 7, cursor: null });
    expect(second).not.toBe(first);
    // Decoded as URL parsing decodes it: percent escapes, '+' and characters sent raw.
    expect(parseQuery(request("prefix=a%20b+c/é&limit=7"), blobListQuerySchema).prefix).toBe("a b c/é");
    expect(parseQuery(request("prefix=a%20b+c/é&limit=7"), blobListQuerySchema).prefix).toBe("a b c/é");
  });

  it("refuses a bad query every time it comes", () => {
    for (let i = 0; i < 2; i++) {
      expect(() => parseQuery(request("limit=0"), blobListQuerySchema)).toThrow(HttpError);
    }
  });
});
