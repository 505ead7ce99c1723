import { registerOTel } from "@vercel/otel";

/**
 * Next.js calls `register()` once when a server of this app starts — Vercel's documented place for
 * `registerOTel`. The app is a static export, so on Vercel no Next server runs and the traces that
 * matter come from the api/ functions (api/_lib/instrumentation.ts); this covers `next dev` and any
 * server-rendered route the app may grow, under the same service conventions. It registers only
 * where someone collects traces (Vercel, or an OTLP collector named in the env), so a local
 * `next dev` pays nothing; fetch instrumentation is left out for the reason the api gives (whole
 * URLs, query strings included, as span names and attributes).
 */
export function register(): void {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (!process.env.VERCEL && !process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  registerOTel({ serviceName: "serverless-on-vercel-web", instrumentations: [] });
}
