/**
 * Pure helpers for the blob trigger's results on the files page: badge labels, when to poll, what to
 * announce, and the words and numbers of the result view. Types only from the pipeline package.
 */
import { formatNumber, formatPercent } from "./format";
import type {
  BlobResult,
  ChunkProgress,
  CsvColumnSummary,
  ExifSummary,
  HistogramBin,
  CsvMalformedKind as MalformedKind,
  ResultStatus,
  ResultSummary,
  TriggerReason,
} from "./result-types";

/** How long after an upload a file without a result is still expected to get one soon. */
export const FRESH_UPLOAD_MS = 2 * 60 * 1000;
/** How often the list and the result view ask again while something is under way. */
export const POLL_MS = 1000;

/** The uploads folder the page writes to; names are shown without it. */
export function fileName(path: string): string {
  return path.replace(/^uploads\//, "");
}

/** Bytes read so far as a whole percentage, 0–100; 100 only once everything is read. */
export function progressPercent(progress: { bytes: number; total: number } | null | undefined): number {
  if (!progress || !(progress.total > 0) || !(progress.bytes > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((progress.bytes / progress.total) * 100)));
}

/**
 * The states of a chunked analysis's chunks, in file order, from its progress: a chunk is done when
 * its index is listed (or when every chunk is, which a finished document says by its count alone).
 */
export function chunkStates(chunks: ChunkProgress): ("done" | "waiting")[] {
  const all = chunks.done >= chunks.count;
  const finished = new Set(chunks.finished ?? []);
  return Array.from({ length: chunks.count }, (_, i) => (all || finished.has(i) ? "done" : "waiting"));
}

/** "3 of 12 chunks analysed". */
export function chunkLabel(chunks: ChunkProgress): string {
  const done = Math.min(chunks.done, chunks.count);
  return `${done} of ${chunks.count} chunk${chunks.count === 1 ? "" : "s"} analysed`;
}

export type BadgeTone = "muted" | "busy" | "ok" | "bad";

/**
 * The badge of a file: exactly "Queued", "Processing 42%", "Done" or "Failed" (and "Not processed"
 * for an older file the trigger has not queued, e.g. one stored before processing existed).
 */
export function statusBadge(
  result: Pick<ResultSummary, "status" | "progress"> | null,
  uploadedAt: string,
  now: number,
): { label: string; tone: BadgeTone } {
  if (!result) {
    return isFresh(uploadedAt, now)
      ? { label: "Queued", tone: "muted" }
      : { label: "Not processed", tone: "muted" };
  }
  switch (result.status) {
    case "queued":
      return { label: "Queued", tone: "muted" };
    case "processing":
      return { label: `Processing ${progressPercent(result.progress)}%`, tone: "busy" };
    case "done":
      return { label: "Done", tone: "ok" };
    case "failed":
      return { label: "Failed", tone: "bad" };
  }
}

function isFresh(uploadedAt: string, now: number): boolean {
  const at = Date.parse(uploadedAt);
  return Number.isFinite(at) && now - at < FRESH_UPLOAD_MS;
}

/** Whether a result is still moving: queued or processing, or not there yet for a fresh upload. */
export function isPending(result: { status: ResultStatus } | null, uploadedAt: string, now: number): boolean {
  if (!result) return isFresh(uploadedAt, now);
  return result.status === "queued" || result.status === "processing";
}

/** Whether the list should ask again soon: only while some listed file is still being worked on. */
export function shouldPollList(
  blobs: readonly { uploadedAt: string; result: { status: ResultStatus } | null }[] | undefined,
  now: number,
): boolean {
  return (blobs ?? []).some((b) => isPending(b.result, b.uploadedAt, now));
}

/**
 * What the live region says after a refresh: only files whose processing has just finished or failed
 * (never the first sight of a file, nor every percent of progress), or null for nothing.
 */
export function announceChanges(
  previous: ReadonlyMap<string, ResultStatus | null>,
  blobs: readonly {
    path: string;
    result: { status: ResultStatus; error?: { message: string } | null } | null;
  }[],
): string | null {
  const parts: string[] = [];
  for (const b of blobs) {
    if (!previous.has(b.path)) continue;
    const before = previous.get(b.path) ?? null;
    const now = b.result?.status ?? null;
    if (now === before) continue;
    if (now === "done") parts.push(`${fileName(b.path)} is processed.`);
    else if (now === "failed")
      parts.push(
        `Processing ${fileName(b.path)} failed${b.result?.error ? `: ${b.result.error.message}` : "."}`,
      );
  }
  return parts.length > 0 ? parts.join(" ") : null;
}

const TRIGGERS: Record<TriggerReason, string> = {
  upload: "Upload",
  "server-put": "Server-side upload",
  reprocess: "Process again (by hand)",
  cron: "Reconcile timer",
};

export function triggerLabel(trigger: TriggerReason): string {
  return TRIGGERS[trigger] ?? trigger;
}

/** Milliseconds between two ISO times, or null when either is missing. */
export function between(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** Whether the result view should ask again: while queued or processing, or not there yet for a fresh file. */
export function shouldPollResult(
  answer: { blob: { uploadedAt: string }; result: Pick<BlobResult, "status"> | null } | undefined,
  now: number,
): boolean {
  if (!answer) return false;
  return isPending(answer.result, answer.blob.uploadedAt, now);
}

// CSV

const DELIMITERS: Record<string, string> = { ",": "Comma", "\t": "Tab", ";": "Semicolon", "|": "Pipe" };

/** "," → "Comma (,)", "\t" → "Tab", "#" → "“#”". */
export function delimiterLabel(delimiter: string): string {
  const name = DELIMITERS[delimiter];
  if (name === "Tab") return name;
  return name ? `${name} (${delimiter})` : `“${delimiter}”`;
}

const MALFORMED: Record<MalformedKind, string> = {
  ragged: "Wrong number of fields",
  "stray-quote": "Stray quote",
  "unterminated-quote": "Unterminated quote",
  "too-long": "Row too long",
};

export function malformedLabel(kind: MalformedKind): string {
  return MALFORMED[kind] ?? kind;
}

/** How many decimals tell the edges of bins `width` apart: 10 → 0, 2.5 → 1, 0.04 → 3 (at most 6). */
export function binDigits(width: number): number {
  if (!(width > 0) || !Number.isFinite(width)) return 0;
  return Math.max(0, Math.min(6, Math.ceil(-Math.log10(width)) + 1));
}

/** One bin edge, rounded to what the bins' width can tell apart: (3.3333, 1.1) → "3.3". */
export function formatEdge(value: number, width: number): string {
  const digits = binDigits(width);
  const rounded = Number(value.toFixed(digits));
  if (Math.abs(rounded) >= 1e15 || (rounded !== 0 && Math.abs(rounded) < 1e-6)) return value.toExponential(2);
  return rounded.toLocaleString("en-US", { maximumFractionDigits: digits });
}

/** "10 – 15" for one bin, or just "7" when the bin is a single value. */
export function formatBin(bin: HistogramBin, width = bin.to - bin.from): string {
  if (bin.from === bin.to) return formatEdge(bin.from, width || 1);
  return `${formatEdge(bin.from, width)} – ${formatEdge(bin.to, width)}`;
}

/** The width of the bins of one histogram (they are equal-width), or 0 for a single-value one. */
export function binWidth(bins: readonly HistogramBin[]): number {
  const first = bins[0];
  return first ? first.to - first.from : 0;
}

/** The text alternative of a histogram: its range, its bins and where most values are. */
export function histogramSummary(column: string, bins: readonly HistogramBin[]): string {
  const first = bins[0];
  const last = bins[bins.length - 1];
  if (!first || !last) return `Histogram of ${column}: no values.`;
  const width = binWidth(bins);
  let peak = first;
  let total = 0;
  for (const b of bins) {
    total += b.count;
    if (b.count > peak.count) peak = b;
  }
  const range =
    first.from === last.to
      ? `all ${formatNumber(total)} values are ${formatEdge(first.from, width || 1)}`
      : `${formatNumber(total)} values from ${formatEdge(first.from, width)} to ${formatEdge(last.to, width)} in ${bins.length} bins`;
  const most =
    bins.length > 1 && peak.count > 0
      ? `; the most, ${formatNumber(peak.count)}, between ${formatEdge(peak.from, width)} and ${formatEdge(peak.to, width)}`
      : "";
  return `Histogram of ${column}: ${range}${most}.`;
}

/** A frequent value as shown: the empty string and whitespace-only values made visible. */
export function displayValue(value: string): string {
  if (value === "") return "(empty)";
  if (value.trim() === "") return `(${value.length} space${value.length === 1 ? "" : "s"})`;
  return value;
}

// Images

const FORMATS: Record<string, string> = { jpeg: "JPEG", png: "PNG", webp: "WebP", gif: "GIF", avif: "AVIF" };

export function formatLabel(format: string): string {
  return FORMATS[format] ?? format.toUpperCase();
}

const ORIENTATIONS: Record<number, string> = {
  1: "Upright",
  2: "Mirrored left to right",
  3: "Upside down (rotated 180°)",
  4: "Mirrored top to bottom",
  5: "Mirrored and rotated 90° counter-clockwise",
  6: "Rotated 90° clockwise",
  7: "Mirrored and rotated 90° clockwise",
  8: "Rotated 90° counter-clockwise",
};

/** EXIF orientation 1–8 in words, with its number. */
export function orientationLabel(orientation: number): string {
  const words = ORIENTATIONS[orientation];
  return words ? `${words} (EXIF ${orientation})` : `EXIF ${orientation}`;
}

/** 0.005 → "1/200 s", 0.3 → "1/3 s", 2.5 → "2.5 s". */
export function formatExposure(seconds: number): string {
  if (!(seconds > 0) || !Number.isFinite(seconds)) return "—";
  if (seconds >= 1) return `${Number(seconds.toFixed(1))} s`;
  const denominator = 1 / seconds;
  // Cameras write exact fractions (1/200, 1/3); 0.3 is 1/3.33 in tables that round.
  return `1/${denominator >= 10 ? Math.round(denominator) : Number(denominator.toFixed(1))} s`;
}

/** "2024-05-06T07:08:09+02:00" → "2024-05-06 07:08:09 (UTC+02:00)", camera-local time as recorded. */
export function formatExifDate(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!m) return value;
  const zone = m[3] === "Z" ? " (UTC)" : m[3] ? ` (UTC${m[3]})` : "";
  return `${m[1]} ${m[2]}${zone}`;
}

/** 48.85837, 2.29448 → "48.85837° N, 2.29448° E". */
export function formatLatLong(latitude: number, longitude: number): string {
  const lat = `${Math.abs(latitude).toFixed(5)}° ${latitude < 0 ? "S" : "N"}`;
  const long = `${Math.abs(longitude).toFixed(5)}° ${longitude < 0 ? "W" : "E"}`;
  return `${lat}, ${long}`;
}

/** The EXIF fields a photo has, in reading order, as label and text; absent ones are left out. */
export function exifFacts(exif: ExifSummary): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  const camera = [exif.make, exif.model]
    .filter((s): s is string => !!s?.trim())
    .map((s) => s.trim())
    // Many cameras repeat the make in the model ("Canon" / "Canon EOS R5").
    .filter((s, i, all) => !(i === 0 && all[1]?.toLowerCase().startsWith(s.toLowerCase())));
  if (camera.length > 0) out.push({ label: "Camera", value: camera.join(" ") });
  if (exif.lensModel?.trim()) out.push({ label: "Lens", value: exif.lensModel.trim() });
  if (exif.dateTimeOriginal) out.push({ label: "Taken", value: formatExifDate(exif.dateTimeOriginal) });
  if (exif.exposureTime !== null) out.push({ label: "Exposure", value: formatExposure(exif.exposureTime) });
  if (exif.fNumber !== null) out.push({ label: "Aperture", value: `f/${Number(exif.fNumber.toFixed(1))}` });
  if (exif.iso !== null) out.push({ label: "ISO", value: String(exif.iso) });
  if (exif.focalLength !== null)
    out.push({ label: "Focal length", value: `${Number(exif.focalLength.toFixed(1))} mm` });
  if (exif.gps) out.push({ label: "Location", value: formatLatLong(exif.gps.latitude, exif.gps.longitude) });
  return out;
}

/** A colour's share of the opaque pixels, as the palette shows it. */
export function paletteShare(share: number): string {
  return formatPercent(share, share < 0.1 ? 1 : 0);
}

/**
 * Whether a column's distinct count is an estimate: counts are exact while a column has at most a
 * few thousand distinct values, and results written before they were are estimates too.
 *
 * @example distinctIsEstimate({ distinctExact: true }) // false
 */
export function distinctIsEstimate(
  values: Pick<NonNullable<CsvColumnSummary["values"]>, "distinctExact">,
): boolean {
  return values.distinctExact !== true;
}

/**
 * A column's least and greatest value as the columns table shows them: numbers formatted, dates and
 * date-times as the file writes them, "—" for a column that has neither.
 *
 * @example columnRange({ dateRange: { min: "2024-01-02", max: "2024-03-01" } }) // { min: "2024-01-02", max: "2024-03-01" }
 */
export function columnRange(column: Pick<CsvColumnSummary, "numeric" | "dateRange">): {
  min: string;
  max: string;
} {
  if (column.dateRange) return { min: column.dateRange.min, max: column.dateRange.max };
  return { min: formatNumber(column.numeric?.min), max: formatNumber(column.numeric?.max) };
}
