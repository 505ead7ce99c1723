import type { CsvDialect } from "./accumulator.ts";

/** Options of {@link detectCsvDialect}: whatever is already known is kept as is. */
export interface DetectOptions {
  delimiter?: string;
  quote?: string;
  header?: boolean;
  /** Whether `bytes` is the whole file (otherwise its last, possibly cut, row is ignored). */
  final?: boolean;
}

const CANDIDATES = [",", "\t", ";", "|"];
const SAMPLE_ROWS = 100;

/** Splits decoded text into rows of fields, honouring quotes; a small slow path for detection only. */
function sampleRows(text: string, delimiter: string, quote: string, final: boolean): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let inQuotes = false;
  let i = 0;
  for (; i < text.length && rows.length < SAMPLE_ROWS; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === quote) {
        if (text[i + 1] === quote) {
          field += quote;
          i++;
        } else inQuotes = false;
      } else field += c;
    } else if (c === quote && field === "") inQuotes = true;
    else if (c === delimiter) {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (final && i >= text.length && (field !== "" || row.length > 0)) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

function looksTyped(v: string): boolean {
  return (
    /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ||
    /^(true|false)$/i.test(v) ||
    /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(v)
  );
}

/**
 * Guesses the delimiter and whether there is a header from the first bytes of a file (64 KiB is
 * plenty). The delimiter is the candidate (`,` tab `;` `|`) whose rows most consistently have the
 * same number (> 1) of fields, ties going to more fields. The first row is a header when none of
 * its fields is empty or looks like a number, boolean or date — so a file whose first row is all
 * numbers has no header, and a file of only text rows is taken to have one.
 *
 * @example detectCsvDialect(new TextEncoder().encode("a;b\n1;2\n"), { final: true })
 * // { delimiter: ";", quote: '"', header: true }
 */
export function detectCsvDialect(bytes: Uint8Array, options: DetectOptions = {}): CsvDialect {
  const quote = options.quote ?? '"';
  const text = new TextDecoder().decode(bytes);
  const final = options.final ?? false;
  let delimiter = options.delimiter;
  if (delimiter === undefined) {
    let best = { score: -1, fields: 0, delimiter: "," };
    for (const d of CANDIDATES) {
      const rows = sampleRows(text, d, quote, final);
      if (rows.length === 0) continue;
      const freq = new Map<number, number>();
      for (const r of rows) freq.set(r.length, (freq.get(r.length) ?? 0) + 1);
      let mode = 0;
      let modeCount = 0;
      for (const [n, c] of freq)
        if (c > modeCount || (c === modeCount && n > mode)) [mode, modeCount] = [n, c];
      if (mode < 2) continue;
      const score = modeCount / rows.length;
      if (score > best.score || (score === best.score && mode > best.fields))
        best = { score, fields: mode, delimiter: d };
    }
    delimiter = best.delimiter;
  }
  let header = options.header;
  if (header === undefined) {
    const first = sampleRows(text, delimiter, quote, final)[0];
    header = first?.every((v) => v.trim() !== "" && !looksTyped(v)) ?? false;
  }
  return { delimiter, quote, header };
}
