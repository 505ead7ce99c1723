/**
 * `@repo/processors/sniff`: what a file is by its bytes, and one streaming pass that hashes it, sizes it
 * and checks the claimed Content-Type, holding only the first few KiB in memory.
 */
export { ProcessorError } from "./image-error.ts";
export {
  type AnalyzeStreamOptions,
  analyzeAnyStream,
  type ByteSource,
  chunksOf,
  isTypeMismatch,
  readWhole,
  reusedChunksOf,
  type StreamAnalysis,
} from "./sniff-stream.ts";
export { SNIFF_HEAD_BYTES, type SniffOptions, type SniffResult, sniffType } from "./sniff-type.ts";
