import { describe, expect, it } from "vitest";
import { redact } from "./redact.js";

describe("redact", () => {
  it("masks card numbers that pass Luhn, however they are typed, and leaves other numbers", () => {
    expect(redact("card 4242 4242 4242 4242 declined")).toBe("card [card number] declined");
    expect(redact("card 4242-4242-4242-4242")).toBe("card [card number]");
    expect(redact("amex 378282246310005.")).toBe("amex [card number].");
    expect(redact("order 1234567890123456 at 1765000000000")).toBe("order 1234567890123456 at 1765000000000");
  });

  it("masks bearer tokens, Vercel Blob tokens and Better Auth cookies", () => {
    expect(redact("authorization: Bearer abc.def-ghi")).not.toContain("abc.def");
    expect(redact("token vercel_blob_client_store_ZXlK.abc")).toBe("token [blob token]");
    expect(redact("vercel_blob_rw_store_secret123")).toBe("[blob token]");
    expect(redact("cookie better-auth.session_token=tok.sig; other=1")).toBe(
      "cookie better-auth.session_token=[redacted]; other=1",
    );
  });

  it("masks password, secret and token fields in JSON and key=value text", () => {
    expect(redact('{"email":"a@b.c","password":"hunter2 \\" x"}')).toBe(
      '{"email":"a@b.c","password":"[redacted]"}',
    );
    expect(redact("newPassword=hunter2&x=1")).toBe("newPassword=[redacted]&x=1");
    expect(redact("{ token: 'abc', secret: xyz }")).toBe("{ token: '[redacted]', secret: [redacted] }");
  });
});
