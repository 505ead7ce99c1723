import type { Configuration } from "@vercel/otel";

let registered = false;
let registering: Promise<void> | undefined;

/**
 * Registers OpenTelemetry the way Vercel documents it: `registerOTel` from `@vercel/otel` in an
 * instrumentation file's `register()`. Next.js calls `register()` itself (apps/web has its own
 * instrumentation.ts); plain `api/` functions have no such hook — @vercel/node builds no
 * instrumentation entry — so the one wrapper every function goes through (route.ts, via
 * invocation.ts) calls it once per instance before its first span, and extracts the inbound trace
 * context by hand, as Vercel's docs show for frameworks without automatic propagation.
 *
 * With no argument the exporter is @vercel/otel's "auto": the project's trace drains and Vercel's
 * session tracing on Vercel, or an OTLP collector named by OTEL_EXPORTER_OTLP_ENDPOINT. Tests pass
 * their own span processors (an in-memory exporter).
 *
 * Its fetch instrumentation is left out on purpose: it names spans and sets `http.url` with the
 * whole URL, query included, and the packages already span every outbound call we make
 * (Open-Meteo, NWS, the blob store) with the host and path only.
 *
 * The SDK is imported only here, when registering: where nobody collects traces (a local run) a
 * function's cold start does not parse it.
 *
 * @example await register(); // once, before the first span
 */
export function register(overrides: Partial<Configuration> = {}): Promise<void> {
  registering ??= (async () => {
    const { registerOTel } = await import("@vercel/otel");
    registerOTel({
      serviceName: "serverless-on-vercel-api",
      instrumentations: [],
      ...overrides,
    });
    registered = true;
  })();
  return registering;
}

/** Whether an SDK is registered in this instance (by `register`). */
export function isRegistered(): boolean {
  return registered;
}
