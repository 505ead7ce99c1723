import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorType, inSpan, packageTracer, SpanKind } from "./span.ts";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

describe("inSpan without a registered SDK", () => {
  it("runs the work and returns its value through the no-op tracer", async () => {
    const span = await inSpan(packageTracer("t"), "noop", {}, async (s) => s);
    expect(span.isRecording()).toBe(false);
  });
});

describe("inSpan with an SDK", () => {
  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  it("ends a span with its attributes and kind", async () => {
    const value = await inSpan(
      packageTracer("t"),
      "work",
      { kind: SpanKind.CLIENT, attributes: { "a.b": 1 } },
      async (span) => {
        span.setAttribute("c", "d");
        return 42;
      },
    );
    expect(value).toBe(42);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe("work");
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toEqual({ "a.b": 1, c: "d" });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("marks a failure with the error's class, never its message", async () => {
    class SecretLeakError extends Error {
      override name = "SecretLeakError";
    }
    await expect(
      inSpan(packageTracer("t"), "fails", {}, async () => {
        throw new SecretLeakError("password=hunter2");
      }),
    ).rejects.toThrow("hunter2");
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span?.attributes).toEqual({ "error.type": "SecretLeakError" });
    expect(span?.events).toEqual([]);
    expect(JSON.stringify(span?.attributes)).not.toContain("hunter2");
  });
});

describe("errorType", () => {
  it("names errors by class and other throws by type", () => {
    expect(errorType(new TypeError("x"))).toBe("TypeError");
    expect(errorType("boom")).toBe("string");
  });
});
