import { describe, expect, it } from "vitest";
import { allowDevEval } from "./dev-csp.ts";

describe("allowDevEval", () => {
  it("lets the dev server's React use eval, and changes nothing else", () => {
    expect(
      allowDevEval("default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"),
    ).toBe("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; frame-ancestors 'none'");
    expect(allowDevEval("default-src 'self'")).toBe("default-src 'self'");
  });
});
