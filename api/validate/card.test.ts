import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as card from "./card.js";

const URL_ = "http://localhost/api/validate/card";
const post = (body: BodyInit | null, type: string | null = "application/json") =>
  card.POST(new Request(URL_, { method: "POST", body, headers: type ? { "content-type": type } : {} }));

describe("POST /api/validate/card", () => {
  it("answers the documented example", async () => {
    const res = await post(JSON.stringify({ number: "4242 4242 4242 4242" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({
      valid: true,
      brand: "visa",
      luhn: true,
      length: 16,
      masked: "•••• 4242",
    });
  });

  it("accepts dashes and a JSON media type with parameters", async () => {
    const res = await post(
      JSON.stringify({ number: "3782-822463-10005" }),
      "application/json; charset=UTF-8",
    );
    expect(await res.json()).toMatchObject({ valid: true, brand: "amex", length: 15 });
  });

  it("answers a wrong length for the brand as invalid, with a reason", async () => {
    const res = await post(JSON.stringify({ number: "3700 0000 0000 0007" }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ valid: false, brand: "amex", luhn: true });
    expect(body.reasons[0]).toMatch(/15 digits; this one has 16/);
  });

  it("names the field when the number is malformed", async () => {
    const res = await post(JSON.stringify({ number: "4242" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: "invalid_request",
        message: "number must have 12 to 19 digits; it has 4",
        details: { fields: { number: ["number must have 12 to 19 digits; it has 4"] } },
      },
    });
  });

  it("answers malformed JSON with a 400 that does not echo the body", async () => {
    const res = await post('{"number": "4242424242424242"');
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe("invalid_json");
    expect(text).not.toContain("4242");
  });

  it.each([
    [null, "a missing content type"],
    ["text/plain", "text"],
    ["application/x-www-form-urlencoded", "a form"],
  ])("answers %s (%s) with 415", async (type, _what) => {
    const res = await post(JSON.stringify({ number: "4242424242424242" }), type);
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe("unsupported_media_type");
  });

  it("answers a body over its limit with 413", async () => {
    const res = await post(JSON.stringify({ number: "4242424242424242", pad: "x".repeat(10_000) }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
  });
});

describe("other methods", () => {
  it("GET is a 405 that explains card numbers do not belong in URLs", async () => {
    const res = await card.GET(new Request(`${URL_}?number=4242424242424242`));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST, OPTIONS");
    const body = await res.json();
    expect(body.error.code).toBe("method_not_allowed");
    expect(body.error.message).toMatch(/do not belong in URLs/);
    expect(JSON.stringify(body)).not.toContain("4242424242424242");
  });

  it("HEAD is a 405 without a body", async () => {
    const res = await card.HEAD(new Request(URL_, { method: "HEAD" }));
    expect(res.status).toBe(405);
  });

  it.each(["PUT", "PATCH", "DELETE"] as const)("%s is a 405 with Allow", async (method) => {
    const res = await card[method](new Request(URL_, { method, body: "{}" }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST, OPTIONS");
    expect((await res.json()).error.message).toBe(`${method} is not allowed here; use POST, OPTIONS.`);
  });

  it("OPTIONS answers 204 with Allow", async () => {
    const res = await card.OPTIONS(new Request(URL_, { method: "OPTIONS" }));
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")).toBe("POST, OPTIONS");
  });
});

describe("odd input", () => {
  const logged: string[] = [];
  beforeEach(() => {
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
    logged.length = 0;
  });

  const bodies: BodyInit[] = [
    "",
    " ",
    "null",
    "[]",
    "0",
    '"4242424242424242"',
    "{}",
    '{"number": null}',
    '{"number": 4242424242424242}',
    '{"number": ["4242424242424242"]}',
    '{"number": {"toString": "x"}}',
    '{"number": "４２４２４２４２４２４２４２４２"}',
    '{"number": "4242424242424242\\u0000"}',
    `{"number": "${"9".repeat(3000)}"}`,
    '{"__proto__": {"number": "4242424242424242"}}',
    '{"number": "4242424242424242", "number": "1"}',
    new Uint8Array([0xff, 0xfe, 0x00, 0x7b]) as Uint8Array<ArrayBuffer>,
    "\u{1F4B3}",
    `${"[".repeat(5000)}`,
  ];

  it.each(bodies.map((b, i) => [i, b]))("body #%i never gets a 500", async (_i, body) => {
    const res = await post(body);
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("never logs the number", async () => {
    await post(JSON.stringify({ number: "4242424242424242" }));
    await post('{"number": "4242424242424242"');
    await card.GET(new Request(`${URL_}?number=4242424242424242`));
    expect(logged.join("\n")).not.toContain("4242");
  });
});
