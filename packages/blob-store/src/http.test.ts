import { describe, expect, it } from "vitest";
import {
  contentDisposition,
  etagMatches,
  mayShowInline,
  parseRange,
  quotedEtag,
  rangeToHonour,
  servedBytes,
  unsatisfiableRange,
} from "./http.ts";

describe("parseRange", () => {
  it.each([
    ["bytes=0-3", { start: 0, end: 3 }],
    ["bytes=5-", { start: 5, end: 9 }],
    ["bytes=-3", { start: 7, end: 9 }],
    ["bytes=-30", { start: 0, end: 9 }],
    ["bytes=2-99", { start: 2, end: 9 }],
    ["bytes=0-9007199254740993", { start: 0, end: 9 }],
    ["bytes=0-99999999999999999999999", { start: 0, end: 9 }],
  ])("reads %s against 10 bytes", (header, range) => expect(parseRange(header, 10)).toEqual(range));

  it.each(["bytes=10-", "bytes=99-100", "bytes=99999999999999999999-", "bytes=-0"])(
    "finds %s unsatisfiable against 10 bytes",
    (header) => expect(parseRange(header, 10)).toBe("unsatisfiable"),
  );

  it.each([null, "bytes=0-1,4-5", "bytes=5-2", "items=0-1", "bytes=-", "bytes=a-b"])(
    "serves the whole file for %j",
    (header) => expect(parseRange(header, 10)).toBeNull(),
  );
});

describe("rangeToHonour", () => {
  const current = { etag: '"v1"', lastModified: new Date("2026-12-06T10:00:00Z") };
  const ask = (headers: Record<string, string>) => rangeToHonour(new Headers(headers), current);
  it("keeps the range without If-Range, or when it names this version by etag or date", () => {
    expect(ask({ range: "bytes=0-1" })).toBe("bytes=0-1");
    expect(ask({ range: "bytes=0-1", "if-range": '"v1"' })).toBe("bytes=0-1");
    expect(ask({ range: "bytes=0-1", "if-range": "Sun, 06 Dec 2026 10:00:00 GMT" })).toBe("bytes=0-1");
  });
  it("drops it when If-Range names another version, a weak etag or another date", () => {
    expect(ask({ range: "bytes=0-1", "if-range": '"v0"' })).toBeNull();
    expect(ask({ range: "bytes=0-1", "if-range": 'W/"v1"' })).toBeNull();
    expect(ask({ range: "bytes=0-1", "if-range": "Sat, 05 Dec 2026 10:00:00 GMT" })).toBeNull();
  });
});

describe("names and validators", () => {
  it("makes a download name safe for any file name", () => {
    expect(contentDisposition("attachment", "a/b/report.csv")).toBe('attachment; filename="report.csv"');
    expect(contentDisposition("inline", 'x/résumé "final".txt')).toBe(
      `inline; filename="r_sum_ _final_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.txt`,
    );
  });
  it("compares etags however they are quoted", () => {
    expect(quotedEtag("abc")).toBe('"abc"');
    expect(etagMatches("abc", '"abc"')).toBe(true);
    expect(etagMatches('"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches("abc", "*")).toBe(true);
    expect(etagMatches("abc", '"abd"')).toBe(false);
  });
  it("shows inline only what cannot run", () => {
    for (const t of ["image/png", "text/plain; charset=utf-8", "text/csv"])
      expect(mayShowInline(t), t).toBe(true);
    for (const t of ["text/html", "image/svg+xml", "application/pdf", "application/xml", "text/javascript"])
      expect(mayShowInline(t), t).toBe(false);
  });
});

describe("servedBytes", () => {
  it("answers 200 with the length of a whole file, 206 with the range and its length", () => {
    expect(servedBytes(null, 10)).toEqual({ status: 200, headers: { "content-length": "10" } });
    expect(servedBytes({ start: 7, end: 9 }, 10)).toEqual({
      status: 206,
      headers: { "content-range": "bytes 7-9/10", "content-length": "3" },
    });
    expect(unsatisfiableRange(10)).toEqual({ "content-range": "bytes */10" });
  });
});
