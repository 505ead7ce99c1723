import { describe, expect, it } from "vitest";
import { GET } from "./[brand].js";
import { GET as list } from "./index.js";

describe("GET /api/card-brands/[brand]", () => {
  it("answers one brand, the segment arriving in the query", async () => {
    const res = await GET(new Request("http://x/api/card-brands/amex?brand=amex"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      brand: "amex",
      name: "American Express",
      lengths: [15],
      cvcLength: 4,
      prefixes: ["34", "37"],
    });
  });

  it("is case-insensitive", async () => {
    expect((await GET(new Request("http://x/?brand=VISA"))).status).toBe(200);
  });

  it("answers an unknown brand with 404 and the known ones", async () => {
    const res = await GET(new Request("http://x/?brand=nope"));
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.code).toBe("unknown_brand");
    expect(body.error.details.known).toContain("visa");
  });

  it("lists every brand", async () => {
    const body = await (await list(new Request("http://x/api/card-brands"))).json();
    expect(body.brands.map((b: { brand: string }) => b.brand)).toEqual([
      "visa",
      "mastercard",
      "amex",
      "discover",
      "jcb",
      "diners",
      "unionpay",
      "maestro",
      "mir",
    ]);
  });
});
