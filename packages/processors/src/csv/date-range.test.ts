import { describe, expect, it } from "vitest";
import { nextRowBoundary } from "./boundary.ts";
import { mergeDateRanges } from "./date-range.ts";
import { type CsvPartial, createCsvAccumulator, mergeCsvPartials, summarizeCsv } from "./index.ts";

const enc = new TextEncoder();

function summary(text: string) {
  const acc = createCsvAccumulator();
  acc.push(enc.encode(text));
  return summarizeCsv(acc.finish());
}

describe("date ranges", () => {
  it("gives a date column its earliest and latest day", () => {
    const s = summary("d,n\n2024-03-01,1\n1999-12-31,2\n2031-01-15,3\n,4\n2024-02-29,5\n");
    expect(s.columns[0]?.type).toBe("date");
    expect(s.columns[0]?.dateRange).toEqual({ min: "1999-12-31", max: "2031-01-15" });
    expect(s.columns[1]?.dateRange).toBeUndefined();
  });

  it("orders date-times by the instant they name, offsets included, and keeps them as written", () => {
    const s = summary(
      [
        "at",
        "2024-05-01T10:00:00+02:00", // 08:00Z
        "2024-05-01T09:00:00Z",
        "2024-05-01 08:30", // no offset: counted as UTC
        "2024-05-01T07:59:59.500-00:00",
        '"2024-05-01T23:00:00-03:00"', // 02:00Z the next day
        "2024-05-01",
      ].join("\n"),
    );
    expect(s.columns[0]?.type).toBe("datetime");
    expect(s.columns[0]?.dateRange).toEqual({
      min: "2024-05-01",
      max: "2024-05-01T23:00:00-03:00",
    });
  });

  it("has no range for a text column that holds some dates", () => {
    const s = summary("d\n2024-01-01\nsoon\n");
    expect(s.columns[0]?.type).toBe("text");
    expect(s.columns[0]?.dateRange).toBeUndefined();
  });

  it("merges pieces into the range of the whole file", () => {
    const lines = ["id,day"];
    const days: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const d = new Date(Date.UTC(2000, 0, 1) + ((i * 7919) % 9000) * 86_400_000);
      days.push(d.toISOString().slice(0, 10));
      lines.push(`${i},${days[i]}`);
    }
    days.sort();
    const bytes = enc.encode(`${lines.join("\n")}\n`);
    const whole = createCsvAccumulator();
    whole.push(bytes);
    const expected = summarizeCsv(whole.finish()).columns[1]?.dateRange;
    let merged: CsvPartial | null = null;
    for (let start = 0; start < bytes.length; ) {
      const end = nextRowBoundary(bytes, Math.min(bytes.length, start + 1500));
      const acc = createCsvAccumulator(merged ? { delimiter: ",", columns: merged.columns } : {});
      acc.push(bytes.subarray(start, end));
      const p = acc.finish();
      merged = merged ? mergeCsvPartials(merged, p) : p;
      start = end;
    }
    expect(summarizeCsv(merged as CsvPartial).columns[1]?.dateRange).toEqual(expected);
    expect(expected).toEqual({ min: days[0], max: days[days.length - 1] });
  });

  it("mergeDateRanges widens, keeping the earlier text on equal instants", () => {
    const a = { min: 10, max: 20, minText: "a-min", maxText: "a-max" };
    const b = { min: 10, max: 30, minText: "b-min", maxText: "b-max" };
    expect(mergeDateRanges(a, b)).toEqual({ min: 10, max: 30, minText: "a-min", maxText: "b-max" });
    expect(mergeDateRanges(null, b)).toBe(b);
    expect(mergeDateRanges(a, undefined)).toBe(a);
    expect(mergeDateRanges(null, null)).toBeNull();
  });
});
