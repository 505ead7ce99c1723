import { getTransformedRoutes } from "@vercel/routing-utils";
import { describe, expect, it } from "vitest";
import { resolveRoute } from "./router.ts";

const table =
  getTransformedRoutes({
    cleanUrls: true,
    rewrites: [
      { source: "/healthz", destination: "/api/health" },
      { source: "/card", destination: "/api/should-not-win" },
      { source: "/v1/brands/:brand", destination: "/api/card-brands/:brand" },
      { source: "/docs/:path*", destination: "https://example.test/:path*" },
    ],
    redirects: [
      { source: "/validate", destination: "/card", permanent: false },
      { source: "/old/:id", destination: "/new/:id", permanent: true },
    ],
    headers: [{ source: "/(.*)", headers: [{ key: "X-Content-Type-Options", value: "nosniff" }] }],
  }).routes ?? [];

const files = new Set(["/api/health", "/card", "/api/card-brands/visa"]);
const fs = (pathname: string) => (files.has(pathname) ? { found: pathname } : null);
const at = (path: string, method = "GET") =>
  resolveRoute(table, method, new URL(path, "http://localhost"), fs);

describe("resolveRoute", () => {
  it("serves what the filesystem has, with the configured headers", () => {
    expect(at("/api/health")).toMatchObject({
      kind: "filesystem",
      hit: "/api/health",
      headers: { "x-content-type-options": "nosniff" },
    });
  });

  it("applies a rewrite only when the filesystem has nothing at the path", () => {
    expect(at("/healthz")).toMatchObject({ kind: "filesystem", hit: "/api/health" });
    expect(at("/card")).toMatchObject({ kind: "filesystem", hit: "/card" });
  });

  it("carries rewrite parameters into the destination and keeps the query", () => {
    const result = at("/v1/brands/visa?x=1");
    expect(result.kind).toBe("filesystem");
    if (result.kind === "filesystem") {
      expect(result.url.pathname).toBe("/api/card-brands/visa");
      expect(result.url.searchParams.get("x")).toBe("1");
    }
  });

  it("redirects before anything else, substituting parameters", () => {
    expect(at("/validate")).toMatchObject({ kind: "redirect", status: 307, location: "/card" });
    expect(at("/old/42?a=b")).toMatchObject({ kind: "redirect", status: 308, location: "/new/42?a=b" });
  });

  it("redirects .html and /index to the clean URL", () => {
    expect(at("/card.html")).toMatchObject({ kind: "redirect", status: 308, location: "/card" });
    expect(at("/about/index")).toMatchObject({ kind: "redirect", status: 308, location: "/about" });
  });

  it("hands an external destination to the proxy", () => {
    const result = at("/docs/a/b");
    expect(result.kind).toBe("external");
    if (result.kind === "external") expect(result.url.href).toBe("https://example.test/a/b");
  });

  it("misses with the headers still applied", () => {
    expect(at("/nothing")).toMatchObject({
      kind: "not-found",
      headers: { "x-content-type-options": "nosniff" },
    });
  });
});
