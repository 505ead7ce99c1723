import {
  type CsvAccumulator,
  type CsvColumnPartial,
  type CsvDialect,
  type CsvKind,
  type CsvMalformedExample,
  type CsvMalformedKind,
  type CsvOptions,
  type CsvPartial,
  createCsvAccumulator,
  KINDS,
} from "./accumulator.ts";
import { mergeDateRanges } from "./date-range.ts";
import { exactTop, mergeExactValues } from "./exact.ts";
import { mergeMoments, momentStats } from "./moments.ts";
import {
  HIST_BUCKETS,
  type HistogramBin,
  histogramBins,
  hllEstimate,
  hllMerge,
  hllMergeInto,
  mergeFrequentItems,
} from "./sketches.ts";

/** The inferred type of a column; `empty` when every value is null. */
export type CsvColumnType = CsvKind | "empty";

/** Statistics of one column. */
export interface CsvColumnSummary {
  name: string;
  type: CsvColumnType;
  /** Non-null values. */
  count: number;
  /** Empty values. */
  nulls: number;
  /** Values per kind; a column is `text` as soon as any value is text. */
  kinds: Record<CsvKind, number>;
  /**
   * For integer and number columns (over their numeric values). `stddev` is the sample one (n − 1).
   * `mean` and `stddev` are rounded once from exact sums: the same bits however the file was cut.
   */
  numeric?: { min: number; max: number; mean: number; stddev: number; histogram: HistogramBin[] };
  /**
   * For the other columns, over their non-numeric values: the distinct count and the most frequent
   * values. While a column has at most a few thousand distinct values both are exact
   * (`distinctExact`, `maxError` 0); past that the distinct count is a HyperLogLog estimate (≈ 0.8 %
   * standard error) and each top `count` a lower bound, at most `maxError` under the true count.
   */
  values?: {
    distinct: number;
    /** Whether `distinct` is a count rather than an estimate (absent in older results: an estimate). */
    distinctExact?: boolean;
    top: { value: string; count: number }[];
    maxError: number;
  };
  /**
   * For date and datetime columns: the earliest and the latest value, as written in the file (ISO
   * 8601), ordered by the instant they name (a time without an offset counted as UTC).
   */
  dateRange?: { min: string; max: string };
}

/** Statistics of a whole CSV/TSV file. */
export interface CsvSummary {
  dialect: CsvDialect;
  rows: number;
  bytes: number;
  columns: CsvColumnSummary[];
  malformed: { rows: number; byKind: Record<CsvMalformedKind, number>; examples: CsvMalformedExample[] };
  invalidUtf8Fields: number;
}

/** Options of {@link summarizeCsv}. */
export interface SummaryOptions {
  /** Histogram bins. Default 20. */
  bins?: number;
  /** Frequent values listed per column. Default 10. */
  top?: number;
}

function mergeColumn(
  a: CsvColumnPartial | undefined,
  b: CsvColumnPartial | undefined,
  inPlace: boolean,
): CsvColumnPartial {
  if (!a) return b as CsvColumnPartial;
  if (!b) return a;
  let histogram = a.histogram ?? b.histogram;
  if (a.histogram && b.histogram) {
    histogram = inPlace ? a.histogram : new Float64Array(HIST_BUCKETS);
    for (let i = 0; i < HIST_BUCKETS; i++)
      histogram[i] = (a.histogram[i] as number) + (b.histogram[i] as number);
  }
  let hll: Uint8Array;
  if (inPlace) {
    hll = a.hll;
    hllMergeInto(hll, b.hll);
  } else hll = hllMerge(a.hll, b.hll);
  return {
    nulls: a.nulls + b.nulls,
    kinds: a.kinds.map((k, i) => k + (b.kinds[i] ?? 0)),
    moments: mergeMoments(a.moments, b.moments),
    histogram,
    hll,
    frequent: mergeFrequentItems(a.frequent, b.frequent),
    exact: mergeExactValues(a.exact, b.exact),
    dates: mergeDateRanges(a.dates, b.dates),
  };
}

/**
 * Combines the partial results of two adjacent pieces of a file, `a` before `b`, into the partial of
 * both: counts add, exact sums add (see moments.ts), histograms and HyperLogLogs merge exactly,
 * frequent-items tables add up, exact value counts add up while the union stays within the bound,
 * date ranges widen, and `b`'s line numbers are shifted by `a`'s line breaks.
 *
 * @example summarizeCsv(mergeCsvPartials(first.finish(), second.finish()))
 */
export function mergeCsvPartials(a: CsvPartial, b: CsvPartial): CsvPartial {
  return merge(a, b, false);
}

/**
 * {@link mergeCsvPartials} that reuses `a`'s sketch arrays for the result (same values), for a
 * running merge that owns `a`: it allocates far less.
 */
export function mergeCsvPartialsInto(a: CsvPartial, b: CsvPartial): CsvPartial {
  return merge(a, b, true);
}

function merge(a: CsvPartial, b: CsvPartial, inPlace: boolean): CsvPartial {
  const width = Math.max(a.columnStats.length, b.columnStats.length);
  const malformed = { ...a.malformed };
  for (const k of Object.keys(malformed) as CsvMalformedKind[]) malformed[k] += b.malformed[k];
  const max = Math.max(a.maxExamples ?? a.examples.length, b.maxExamples ?? b.examples.length);
  return {
    dialect: a.dialect,
    columns: a.columns.length >= b.columns.length ? a.columns : b.columns,
    rows: a.rows + b.rows,
    bytes: a.bytes + b.bytes,
    lineBreaks: a.lineBreaks + b.lineBreaks,
    malformed,
    examples: [...a.examples, ...b.examples.map((e) => ({ ...e, line: e.line + a.lineBreaks }))].slice(
      0,
      max,
    ),
    maxExamples: max,
    invalidUtf8Fields: a.invalidUtf8Fields + b.invalidUtf8Fields,
    columnStats: Array.from({ length: width }, (_, i) =>
      mergeColumn(a.columnStats[i], b.columnStats[i], inPlace),
    ),
  };
}

function columnType(kinds: number[]): CsvColumnType {
  const [int = 0, num = 0, bool = 0, date = 0, datetime = 0, text = 0] = kinds;
  const total = int + num + bool + date + datetime + text;
  if (total === 0) return "empty";
  if (text > 0) return "text";
  if (int === total) return "integer";
  if (int + num === total) return "number";
  if (bool === total) return "boolean";
  if (date === total) return "date";
  if (date + datetime === total) return "datetime";
  return "text";
}

/**
 * Turns a partial result (of a whole file, or merged from all its pieces) into the statistics.
 *
 * @example summarizeCsv(acc.finish()).columns.map((c) => c.type) // ["integer", "text"]
 */
export function summarizeCsv(partial: CsvPartial, options: SummaryOptions = {}): CsvSummary {
  const bins = options.bins ?? 20;
  const top = options.top ?? 10;
  const columns = partial.columnStats.map((c, i): CsvColumnSummary => {
    const type = columnType(c.kinds);
    const kinds = Object.fromEntries(KINDS.map((k, j) => [k, c.kinds[j] ?? 0])) as Record<CsvKind, number>;
    const count = c.kinds.reduce((s, k) => s + k, 0);
    const summary: CsvColumnSummary = {
      name: partial.columns[i] ?? `column${i + 1}`,
      type,
      count,
      nulls: c.nulls,
      kinds,
    };
    const m = c.moments;
    if ((type === "integer" || type === "number") && m.n > 0) {
      summary.numeric = {
        min: m.min,
        max: m.max,
        ...momentStats(m),
        histogram: c.histogram ? histogramBins(c.histogram, m.min, m.max, bins) : [],
      };
    } else if (type !== "empty") {
      summary.values = c.exact
        ? { distinct: c.exact.counts.length, distinctExact: true, top: exactTop(c.exact, top), maxError: 0 }
        : {
            distinct: hllEstimate(c.hll),
            distinctExact: false,
            top: c.frequent.labels
              .slice(0, top)
              .map((value, j) => ({ value, count: c.frequent.counts[j] ?? 0 })),
            maxError: c.frequent.offset,
          };
    }
    if ((type === "date" || type === "datetime") && c.dates) {
      summary.dateRange = { min: c.dates.minText, max: c.dates.maxText };
    }
    return summary;
  });
  return {
    dialect: partial.dialect,
    rows: partial.rows,
    bytes: partial.bytes,
    columns,
    malformed: {
      rows: Object.values(partial.malformed).reduce((s, n) => s + n, 0),
      byKind: { ...partial.malformed },
      examples: partial.examples,
    },
    invalidUtf8Fields: partial.invalidUtf8Fields,
  };
}

/**
 * Statistics of a CSV/TSV stream, read chunk by chunk in bounded memory.
 *
 * @example
 * const summary = await analyzeCsvStream(Readable.toWeb(createReadStream("data.csv")));
 * summary.columns[0].type // "integer"
 */
export async function analyzeCsvStream(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: CsvOptions & SummaryOptions = {},
): Promise<CsvSummary> {
  const acc: CsvAccumulator = createCsvAccumulator(options);
  if (Symbol.asyncIterator in stream) {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) acc.push(chunk);
  } else {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      acc.push(value);
    }
  }
  return summarizeCsv(acc.finish(), options);
}
