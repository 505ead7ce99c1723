/** Helpers of the CSV tests (not part of the package's build). */
import { createCsvAccumulator } from "./accumulator.ts";
import { type CsvSummary, summarizeCsv } from "./summary.ts";

/** The summary of `bytes` pushed at once into one accumulator: what every other way must equal. */
export function single(bytes: Uint8Array): CsvSummary {
  const acc = createCsvAccumulator();
  acc.push(bytes);
  return summarizeCsv(acc.finish());
}
