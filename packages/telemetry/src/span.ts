import { type Attributes, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";

export type { Attributes, Span, Tracer };
export { SpanKind };

/**
 * The tracer a package names its spans under. Until a deployable registers an SDK (api/ with
 * @vercel/otel on Vercel, apps/web's instrumentation.ts) it is the API's no-op tracer, so packages
 * trace unconditionally and pay next to nothing when nobody listens.
 *
 * @example const tracer = packageTracer("@repo/weather");
 */
export function packageTracer(name: string): Tracer {
  return trace.getTracer(name);
}

/**
 * The `error.type` of a failure: the error's class name (`BlobNotFoundError`, `TimeoutError`), never
 * its message. Messages can quote input (a path, a header, a value a schema refused), and spans
 * leave the function for a vendor's store, so they carry the kind of failure and nothing it said.
 */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name || "Error";
  return typeof error;
}

/** Marks a span failed with the kind of error, not its text (see `errorType`). */
export function markFailed(span: Span, error: unknown): void {
  span.setAttribute("error.type", errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

export interface SpanOptions {
  attributes?: Attributes;
  /** CLIENT for a call out of the process (an upstream API, the blob service, the database). */
  kind?: SpanKind;
}

/**
 * Runs `run` inside a new active span (children started in it nest under it), ends the span when
 * the promise settles, and marks it failed (by error type only) when it rejects. The span is handed
 * in so `run` can add what it learns, e.g. a response status or a size.
 *
 * @example
 * const answer = await inSpan(tracer, "open-meteo forecast", { kind: SpanKind.CLIENT }, () => fetchIt());
 */
export function inSpan<T>(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  run: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await run(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
