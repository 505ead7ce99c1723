import { describe, expect, it } from "vitest";
import {
  announceChanges,
  between,
  binDigits,
  chunkLabel,
  chunkStates,
  columnRange,
  delimiterLabel,
  displayValue,
  distinctIsEstimate,
  exifFacts,
  FRESH_UPLOAD_MS,
  fileName,
  formatBin,
  formatEdge,
  formatExifDate,
  formatExposure,
  formatLatLong,
  histogramSummary,
  orientationLabel,
  paletteShare,
  progressPercent,
  shouldPollList,
  shouldPollResult,
  statusBadge,
} from "./result-format";
import type { ExifSummary, ResultStatus } from "./result-types";

const NOW = Date.parse("2025-08-07T12:00:00Z");
const justNow = new Date(NOW - 5_000).toISOString();
const lastWeek = new Date(NOW - 7 * 24 * 3600_000).toISOString();
const summary = (status: ResultStatus, progress: { bytes: number; total: number } | null = null) => ({
  status,
  progress,
});

describe("statusBadge", () => {
  it("names each status with exactly the words the page promises", () => {
    expect(statusBadge(summary("queued"), lastWeek, NOW)).toEqual({ label: "Queued", tone: "muted" });
    expect(statusBadge(summary("processing", { bytes: 42, total: 100 }), lastWeek, NOW)).toEqual({
      label: "Processing 42%",
      tone: "busy",
    });
    expect(statusBadge(summary("done"), lastWeek, NOW)).toEqual({ label: "Done", tone: "ok" });
    expect(statusBadge(summary("failed"), lastWeek, NOW)).toEqual({ label: "Failed", tone: "bad" });
  });
  it("shows 0% while processing has not reported progress yet", () => {
    expect(statusBadge(summary("processing"), lastWeek, NOW).label).toBe("Processing 0%");
  });
  it("calls a fresh upload without a result queued, and an old one not processed", () => {
    expect(statusBadge(null, justNow, NOW).label).toBe("Queued");
    expect(statusBadge(null, lastWeek, NOW).label).toBe("Not processed");
  });
});

describe("chunk progress", () => {
  it("marks the chunks listed as done, and all of them once the count is reached", () => {
    expect(chunkStates({ count: 4, done: 2, bytes: 10, finished: [0, 2] })).toEqual([
      "done",
      "waiting",
      "done",
      "waiting",
    ]);
    expect(chunkStates({ count: 3, done: 3, bytes: 30 })).toEqual(["done", "done", "done"]);
    expect(chunkLabel({ count: 12, done: 3, bytes: 0 })).toBe("3 of 12 chunks analysed");
    expect(chunkLabel({ count: 1, done: 1, bytes: 0 })).toBe("1 of 1 chunk analysed");
  });
});

describe("progressPercent", () => {
  it("floors so that 100% means everything was read", () => {
    expect(progressPercent({ bytes: 999, total: 1000 })).toBe(99);
    expect(progressPercent({ bytes: 1000, total: 1000 })).toBe(100);
    expect(progressPercent({ bytes: 1, total: 3 })).toBe(33);
  });
  it("stays within 0–100 for odd inputs", () => {
    expect(progressPercent(null)).toBe(0);
    expect(progressPercent({ bytes: 5, total: 0 })).toBe(0);
    expect(progressPercent({ bytes: 200, total: 100 })).toBe(100);
    expect(progressPercent({ bytes: -1, total: 100 })).toBe(0);
  });
});

describe("shouldPollList", () => {
  it("polls while a file is queued or processing", () => {
    expect(shouldPollList([{ uploadedAt: lastWeek, result: { status: "queued" } }], NOW)).toBe(true);
    expect(shouldPollList([{ uploadedAt: lastWeek, result: { status: "processing" } }], NOW)).toBe(true);
  });
  it("polls for a fresh upload that has no result yet, not for an old one", () => {
    expect(shouldPollList([{ uploadedAt: justNow, result: null }], NOW)).toBe(true);
    expect(shouldPollList([{ uploadedAt: lastWeek, result: null }], NOW)).toBe(false);
    const edge = new Date(NOW - FRESH_UPLOAD_MS).toISOString();
    expect(shouldPollList([{ uploadedAt: edge, result: null }], NOW)).toBe(false);
  });
  it("stops once everything is done or failed", () => {
    expect(
      shouldPollList(
        [
          { uploadedAt: justNow, result: { status: "done" } },
          { uploadedAt: justNow, result: { status: "failed" } },
        ],
        NOW,
      ),
    ).toBe(false);
    expect(shouldPollList([], NOW)).toBe(false);
    expect(shouldPollList(undefined, NOW)).toBe(false);
  });
});

describe("shouldPollResult", () => {
  it("polls while the result is pending", () => {
    expect(shouldPollResult({ blob: { uploadedAt: lastWeek }, result: { status: "processing" } }, NOW)).toBe(
      true,
    );
    expect(shouldPollResult({ blob: { uploadedAt: justNow }, result: null }, NOW)).toBe(true);
    expect(shouldPollResult({ blob: { uploadedAt: lastWeek }, result: null }, NOW)).toBe(false);
    expect(shouldPollResult({ blob: { uploadedAt: justNow }, result: { status: "done" } }, NOW)).toBe(false);
    expect(shouldPollResult(undefined, NOW)).toBe(false);
  });
});

describe("announceChanges", () => {
  const previous = new Map<string, ResultStatus | null>([
    ["uploads/a.csv", "processing"],
    ["uploads/b.png", null],
    ["uploads/c.txt", "done"],
  ]);
  it("announces files that just finished or failed", () => {
    expect(
      announceChanges(previous, [
        { path: "uploads/a.csv", result: { status: "done" } },
        { path: "uploads/b.png", result: { status: "failed", error: { message: "Not an image." } } },
        { path: "uploads/c.txt", result: { status: "done" } },
      ]),
    ).toBe("a.csv is processed. Processing b.png failed: Not an image.");
  });
  it("stays quiet about progress, new files and unchanged ones", () => {
    expect(
      announceChanges(previous, [
        { path: "uploads/a.csv", result: { status: "processing" } },
        { path: "uploads/b.png", result: { status: "queued" } },
        { path: "uploads/new.csv", result: { status: "done" } },
      ]),
    ).toBeNull();
  });
});

describe("small labels", () => {
  it("strips the uploads folder from names", () => {
    expect(fileName("uploads/data.csv")).toBe("data.csv");
    expect(fileName("other/data.csv")).toBe("other/data.csv");
  });
  it("measures gaps between times", () => {
    expect(between("2025-01-01T00:00:00.000Z", "2025-01-01T00:00:01.500Z")).toBe(1500);
    expect(between(null, "2025-01-01T00:00:00Z")).toBeNull();
    expect(between("2025-01-01T00:00:01Z", "2025-01-01T00:00:00Z")).toBeNull();
  });
  it("names delimiters", () => {
    expect(delimiterLabel(",")).toBe("Comma (,)");
    expect(delimiterLabel("\t")).toBe("Tab");
    expect(delimiterLabel(";")).toBe("Semicolon (;)");
    expect(delimiterLabel("#")).toBe("“#”");
  });
  it("makes empty values visible", () => {
    expect(displayValue("")).toBe("(empty)");
    expect(displayValue(" ")).toBe("(1 space)");
    expect(displayValue("   ")).toBe("(3 spaces)");
    expect(displayValue("Paris")).toBe("Paris");
  });
});

describe("histogram labels", () => {
  it("rounds edges to what the bin width tells apart", () => {
    expect(binDigits(10)).toBe(0);
    expect(binDigits(2.5)).toBe(1);
    expect(binDigits(0.04)).toBe(3);
    expect(binDigits(0)).toBe(0);
    expect(formatEdge(3.33333, 1.1)).toBe("3.3");
    expect(formatEdge(1234.5, 100)).toBe("1,235");
  });
  it("formats one bin", () => {
    expect(formatBin({ from: 10, to: 15, count: 3 })).toBe("10 – 15");
    expect(formatBin({ from: 0, to: 0.333333, count: 3 })).toBe("0 – 0.33");
    expect(formatBin({ from: 7, to: 7, count: 3 })).toBe("7");
  });
  it("summarises range and peak for a screen reader", () => {
    const bins = [
      { from: 0, to: 5, count: 2 },
      { from: 5, to: 10, count: 35 },
      { from: 10, to: 15, count: 1 },
    ];
    expect(histogramSummary("price", bins)).toBe(
      "Histogram of price: 38 values from 0 to 15 in 3 bins; the most, 35, between 5 and 10.",
    );
    expect(histogramSummary("id", [{ from: 4, to: 4, count: 12 }])).toBe(
      "Histogram of id: all 12 values are 4.",
    );
    expect(histogramSummary("x", [])).toBe("Histogram of x: no values.");
  });
});

describe("image labels", () => {
  it("writes exposure times as photographers do", () => {
    expect(formatExposure(0.005)).toBe("1/200 s");
    expect(formatExposure(1 / 3)).toBe("1/3 s");
    expect(formatExposure(2.5)).toBe("2.5 s");
    expect(formatExposure(0)).toBe("—");
  });
  it("keeps the camera's own clock", () => {
    expect(formatExifDate("2024-05-06T07:08:09+02:00")).toBe("2024-05-06 07:08:09 (UTC+02:00)");
    expect(formatExifDate("2024-05-06T07:08:09")).toBe("2024-05-06 07:08:09");
    expect(formatExifDate("garbage")).toBe("garbage");
  });
  it("names orientations", () => {
    expect(orientationLabel(1)).toBe("Upright (EXIF 1)");
    expect(orientationLabel(6)).toBe("Rotated 90° clockwise (EXIF 6)");
    expect(orientationLabel(9)).toBe("EXIF 9");
  });
  it("writes positions with hemispheres", () => {
    expect(formatLatLong(48.858372, 2.294481)).toBe("48.85837° N, 2.29448° E");
    expect(formatLatLong(-33.8568, -151.2153)).toBe("33.85680° S, 151.21530° W");
  });
  it("lists only the EXIF fields present", () => {
    const empty: ExifSummary = {
      make: null,
      model: null,
      lensModel: null,
      dateTimeOriginal: null,
      exposureTime: null,
      fNumber: null,
      iso: null,
      focalLength: null,
    };
    expect(exifFacts(empty)).toEqual([]);
    expect(
      exifFacts({
        ...empty,
        make: "Canon",
        model: "Canon EOS R5",
        exposureTime: 0.005,
        fNumber: 2.8,
        iso: 400,
        focalLength: 50,
        gps: { latitude: 1, longitude: -2 },
      }),
    ).toEqual([
      { label: "Camera", value: "Canon EOS R5" },
      { label: "Exposure", value: "1/200 s" },
      { label: "Aperture", value: "f/2.8" },
      { label: "ISO", value: "400" },
      { label: "Focal length", value: "50 mm" },
      { label: "Location", value: "1.00000° N, 2.00000° W" },
    ]);
    expect(exifFacts({ ...empty, make: "NIKON CORPORATION", model: "NIKON D750" })[0]?.value).toBe(
      "NIKON CORPORATION NIKON D750",
    );
  });
  it("shows palette shares with a decimal only for small ones", () => {
    expect(paletteShare(0.425)).toBe("43%");
    expect(paletteShare(0.052)).toBe("5.2%");
    expect(paletteShare(0.0004)).toBe("<0.1%");
  });
});

describe("distinctIsEstimate", () => {
  it("is false only for a count the processor marked exact; older results are estimates", () => {
    expect(distinctIsEstimate({ distinctExact: true })).toBe(false);
    expect(distinctIsEstimate({ distinctExact: false })).toBe(true);
    expect(distinctIsEstimate({})).toBe(true);
  });
});

describe("columnRange", () => {
  it("shows dates as written, numbers formatted, and a dash for neither", () => {
    expect(columnRange({ dateRange: { min: "1999-12-31", max: "2024-05-01T23:00:00-03:00" } })).toEqual({
      min: "1999-12-31",
      max: "2024-05-01T23:00:00-03:00",
    });
    expect(columnRange({ numeric: { min: 8, max: 99950, mean: 1, stddev: 0, histogram: [] } })).toEqual({
      min: "8",
      max: "99,950",
    });
    expect(columnRange({})).toEqual({ min: "—", max: "—" });
  });
});
