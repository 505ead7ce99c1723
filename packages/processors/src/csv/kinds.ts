/**
 * The orders the WebAssembly kernel counts in: the index of a kind into a column's kind counts, and
 * of a malformed kind into the malformed counts. src/csv/kernel.ts checks the kernel agrees.
 */

/** Value kinds counted per column; the order is the index into `CsvColumnPartial.kinds`. */
export const KINDS = ["integer", "number", "boolean", "date", "datetime", "text"] as const;
/** One of {@link KINDS}. */
export type CsvKind = (typeof KINDS)[number];

/** Why a row was counted as malformed. */
export type CsvMalformedKind = "ragged" | "stray-quote" | "unterminated-quote" | "too-long";

/** The malformed kinds the kernel counts, in its order (`too-long` is the accumulator's own). */
export const MALFORMED: readonly CsvMalformedKind[] = ["ragged", "stray-quote", "unterminated-quote"];
