/**
 * The range of a column's dates and date-times: the least and the greatest, as written in the file
 * (ISO 8601, as the kinds `date` and `datetime` require), ordered by the instant they name.
 */
import { type CsvKernel, DATE_RANGE } from "./kernel.ts";

/** A column's date range. `min` and `max` order the values: milliseconds since 1970 (UTC when no offset). */
export interface DateRangeData {
  min: number;
  max: number;
  minText: string;
  maxText: string;
}

const latin1 = new TextDecoder("latin1");

/**
 * Column `i`'s date range from the kernel's memory; null when it had no dates.
 *
 * @example readDateRange(kernel, 0)?.minText // "2024-01-31"
 */
export function readDateRange(k: CsvKernel, i: number): DateRangeData | null {
  const at = k.getColDates() + i * DATE_RANGE.stride;
  const view = new DataView(k.memory.buffer);
  const min = view.getFloat64(at + DATE_RANGE.min, true);
  if (min === Number.POSITIVE_INFINITY) return null;
  // The kernel accepts only ASCII dates: latin1 decodes them byte for byte.
  const text = (offset: number, len: number) =>
    latin1.decode(new Uint8Array(k.memory.buffer, at + offset, view.getUint8(at + len)));
  return {
    min,
    max: view.getFloat64(at + DATE_RANGE.max, true),
    minText: text(DATE_RANGE.minText, DATE_RANGE.minLen),
    maxText: text(DATE_RANGE.maxText, DATE_RANGE.maxLen),
  };
}

/**
 * The date range of two pieces of a file together; on equal instants the earlier piece's text stays.
 *
 * @example mergeDateRanges(a, b)?.maxText
 */
export function mergeDateRanges(
  a: DateRangeData | null | undefined,
  b: DateRangeData | null | undefined,
): DateRangeData | null {
  if (!a) return b ?? null;
  if (!b) return a;
  const low = b.min < a.min ? b : a;
  const high = b.max > a.max ? b : a;
  return { min: low.min, minText: low.minText, max: high.max, maxText: high.maxText };
}
