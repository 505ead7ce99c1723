/**
 * Why a processor gave up on a file. Callers branch on `code`, not on the message, which may carry
 * library wording: `unsupported` (a format we do not process), `corrupt` (truncated, malformed or empty)
 * and `too_large` (over a byte or pixel limit, e.g. a decompression bomb).
 *
 * @example
 * try { await analyzeImage(bytes) } catch (e) { if (e instanceof ProcessorError && e.code === "too_large") … }
 */
export class ProcessorError extends Error {
  override readonly name = "ProcessorError";

  constructor(
    readonly code: "unsupported" | "corrupt" | "too_large",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
