import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The registration a deployment gets, with no test hooks: @vercel/otel's "auto" exporter, sending
// OTLP over HTTP to the collector OTEL_EXPORTER_OTLP_ENDPOINT names — here a server in this test.
const received: { path: string; type: string; body: Buffer }[] = [];
const collector = createServer(async (request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  received.push({
    path: request.url ?? "",
    type: request.headers["content-type"] ?? "",
    body: Buffer.concat(chunks),
  });
  response.writeHead(200, { "content-type": "application/json" }).end("{}");
});

beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

describe("with OTEL_EXPORTER_OTLP_ENDPOINT set", () => {
  it("registers on the first invocation and exports its span to the collector", async () => {
    const { GET } = await import("../health.js");
    const response = await GET(
      new Request("http://localhost/api/health?token=query-secret", {
        headers: { "x-vercel-id": "cdg1::otlp-1" },
      }),
    );
    expect(response.status).toBe(200);
    const provider = trace.getTracerProvider() as unknown as {
      getDelegate(): { forceFlush(): Promise<void> };
    };
    await provider.getDelegate().forceFlush();
    const traces = received.filter((r) => r.path === "/v1/traces");
    expect(traces.length).toBeGreaterThanOrEqual(1);
    expect(traces[0]?.type).toBe("application/x-protobuf");
    const body = Buffer.concat(traces.map((t) => t.body)).toString("latin1");
    expect(body).toContain("GET /api/health");
    expect(body).toContain("cdg1::otlp-1");
    expect(body).toContain("serverless-on-vercel-api");
    expect(body).not.toContain("query-secret");
  });
});
