import { describe, expect, it } from "vitest";
import { CARD_MASK, maskCardNumbers, redactTarget } from "./redact.ts";

describe("redactTarget", () => {
  it("keeps the query of an ordinary endpoint", () => {
    expect(redactTarget("/api/weather?zipcode=48824")).toBe("/api/weather?zipcode=48824");
    expect(redactTarget("/api/health")).toBe("/api/health");
  });

  it("hides every query value of a sensitive endpoint, keeping the names", () => {
    expect(redactTarget("/api/auth/callback/github?code=abc&state=xyz")).toBe(
      "/api/auth/callback/github?code=…&state=…",
    );
    expect(redactTarget("/api/validate/card?number=4111&x=1")).toBe("/api/validate/card?number=…&x=…");
    expect(redactTarget("/api/blobs/client-upload?token=t")).toBe("/api/blobs/client-upload?token=…");
  });

  it("hides them by the function that answered, and by the path with its dot segments resolved", () => {
    // The router resolves "./" and "../" (and their %2e forms): the card function answered these.
    expect(redactTarget("/api/validate/./card?pin=9999", "api/validate/card")).toBe(
      "/api/validate/./card?pin=…",
    );
    expect(redactTarget("/api/x/../validate/card?pin=9999")).toBe("/api/x/../validate/card?pin=…");
    expect(redactTarget("/api/validate/%2e/card?pin=9999")).toBe("/api/validate/%2e/card?pin=…");
    // A rewrite to a sensitive function, under a path that says nothing.
    expect(redactTarget("/pay?pin=9999", "api/validate/card")).toBe("/pay?pin=…");
    expect(redactTarget("/signin?state=s", "api/auth")).toBe("/signin?state=…");
    // Remembered as clean for an ordinary function, still hidden for a sensitive one.
    expect(redactTarget("/same?pin=1", "api/weather")).toBe("/same?pin=1");
    expect(redactTarget("/same?pin=1", "api/validate/card")).toBe("/same?pin=…");
    // Without a query there is nothing a sensitive function hides more: remembered or not, the same.
    for (let i = 0; i < 2; i++) {
      expect(redactTarget("/api/validate/card", "api/validate/card")).toBe("/api/validate/card");
      expect(redactTarget(`/pay/${4242424242424242}`, "api/validate/card")).toBe(`/pay/${CARD_MASK}`);
    }
    expect(redactTarget("/api/validated?pin=1", "api/validated")).toBe("/api/validated?pin=1");
  });

  it("hides secret-named parameters on any endpoint", () => {
    expect(redactTarget("/api/blobs/content?path=a.txt&Token=s3cret")).toBe(
      "/api/blobs/content?path=a.txt&Token=…",
    );
    expect(redactTarget("/x?api%5Fkey=1&page=2")).toBe("/x?api%5Fkey=…&page=2");
  });

  it("masks card numbers anywhere in a path or query", () => {
    expect(redactTarget("/api/card-brands/4242424242424242")).toBe(`/api/card-brands/${CARD_MASK}`);
    expect(redactTarget("/api/weather?q=4242%204242%204242%204242")).toBe(`/api/weather?q=${CARD_MASK}`);
    expect(redactTarget("/api/weather?q=4242+4242+4242+4242")).toBe(`/api/weather?q=${CARD_MASK}`);
  });

  it("answers the same every time it is asked again (a clean target is remembered, others redone)", () => {
    for (let i = 0; i < 3; i++) {
      expect(redactTarget("/api/weather?zipcode=48824")).toBe("/api/weather?zipcode=48824");
      expect(redactTarget("/api/validate/card?number=4111")).toBe("/api/validate/card?number=…");
      expect(redactTarget("/api/card-brands/4242424242424242")).toBe(`/api/card-brands/${CARD_MASK}`);
    }
    // More clean targets than are remembered: each still answered as itself.
    for (let i = 0; i < 1200; i++)
      expect(redactTarget(`/api/weather?zipcode=${i}`)).toBe(`/api/weather?zipcode=${i}`);
  });
});

describe("maskCardNumbers", () => {
  it("masks Luhn-valid numbers written with spaces or dashes, leaving other digits", () => {
    expect(maskCardNumbers("card 4242 4242 4242 4242 ok")).toBe(`card ${CARD_MASK} ok`);
    expect(maskCardNumbers("5555-5555-5555-4444")).toBe(CARD_MASK);
    // Followed or preceded by other digits in the same run, the number is still found.
    expect(maskCardNumbers("4242424242424242 1")).toBe(`${CARD_MASK} 1`);
    expect(maskCardNumbers("order 17 4242 4242 4242 4242 x")).toBe(`order 17 ${CARD_MASK} x`);
    // Thirteen digits failing Luhn, a timestamp, a zip code: left alone. (A 13-digit timestamp that
    // passes Luhn is masked: better a hidden timestamp than a shown card number.)
    expect(maskCardNumbers("id 4242424242421")).toBe("id 4242424242421");
    expect(maskCardNumbers("at 1733500000001 zip 48824")).toBe("at 1733500000001 zip 48824");
  });
});
