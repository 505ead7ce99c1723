import { describe, expect, it } from "vitest";
import { jsonLine, withRequestId } from "./log.js";

describe("jsonLine", () => {
  it("formats like console.log, one line, with the request id and no trace ids outside a span", () => {
    const line = jsonLine("info", ["saved %d of %s", 3, "rows", { a: 1 }], "fra1::abc");
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({
      level: "info",
      message: "saved 3 of rows { a: 1 }",
      requestId: "fra1::abc",
    });
  });

  it("keeps an error's stack on the one line and redacts what it quotes", () => {
    const parsed = JSON.parse(jsonLine("error", [new Error("card 4242424242424242 refused")], undefined));
    expect(parsed.level).toBe("error");
    expect(parsed.message).toMatch(/^Error: card \[card number\] refused\n\s+at /);
    expect(parsed.requestId).toBeUndefined();
  });

  it("cuts a message past Vercel's 4 KB line", () => {
    const parsed = JSON.parse(jsonLine("warn", ["x".repeat(10_000)], "id"));
    expect(parsed.message.length).toBeLessThan(4000);
    expect(parsed.message).toMatch(/… \[cut\]$/);
  });
});

describe("withRequestId", () => {
  it("returns what the function returns", async () => {
    expect(await withRequestId("a", async () => 1)).toBe(1);
  });
});
