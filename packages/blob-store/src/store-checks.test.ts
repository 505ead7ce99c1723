import { describe, expect, it } from "vitest";
import { BlobRangeNotSatisfiableError } from "./errors.ts";
import { beginPut, checkMeta, checkRange, listLimit } from "./store-checks.ts";

describe("beginPut", () => {
  it("answers the checked path and a copy of the meta", () => {
    const meta = { by: "u-1" };
    const begun = beginPut("a/b.txt", "x", { meta }, (path) => path.toUpperCase());
    expect(begun).toEqual({ path: "A/B.TXT", meta: { by: "u-1" } });
    expect(begun.meta).not.toBe(meta);
  });

  it("cancels a stream body when the options are refused", async () => {
    let reason: unknown;
    const body = new ReadableStream<Uint8Array>({
      cancel: (why) => {
        reason = why;
      },
    });
    expect(() => beginPut("a.txt", body, { ifMatch: '"x"', overwrite: false }, (p) => p)).toThrow(TypeError);
    await Promise.resolve();
    expect(reason).toBeInstanceOf(TypeError);
  });

  it("refuses meta that is not an object of strings", () => {
    expect(() => checkMeta({ n: 1 } as unknown as Record<string, string>)).toThrow("meta.n must be a string");
    expect(() => checkMeta([] as unknown as Record<string, string>)).toThrow(TypeError);
    expect(checkMeta(undefined)).toEqual({});
  });
});

describe("listLimit", () => {
  it.each([
    [undefined, 100],
    [Number.NaN, 100],
    [0, 1],
    [2.7, 2],
    [5000, 1000],
  ])("takes %s as %i", (given, limit) => expect(listLimit(given)).toBe(limit));
});

describe("checkRange", () => {
  it("passes a range in order, however far past the end", () => {
    expect(() => checkRange("a", 10, { start: 20, end: 30 })).not.toThrow();
    expect(() => checkRange("a", 10, { start: 0 })).not.toThrow();
  });

  it.each([{ start: -1 }, { start: 1.5 }, { start: 5, end: 4 }, { start: 0, end: Number.POSITIVE_INFINITY }])(
    "refuses %j as unsatisfiable",
    (range) => expect(() => checkRange("a", 10, range)).toThrow(BlobRangeNotSatisfiableError),
  );
});
