import { describe, expect, it } from "vitest";
import { passkeySignUpSchema } from "./accounts.ts";

describe("passkeySignUpSchema", () => {
  it("trims the name and lowercases the email", () => {
    expect(passkeySignUpSchema.parse({ name: "  Ada ", email: "Ada@Example.COM" })).toEqual({
      name: "Ada",
      email: "ada@example.com",
    });
  });
  it.each([
    [{ name: "", email: "a@b.co" }, "name"],
    [{ name: "x".repeat(81), email: "a@b.co" }, "name"],
    [{ name: "A", email: "not an email" }, "email"],
    [{ name: "A" }, "email"],
  ])("refuses %j, naming the %s", (input, field) => {
    const result = passkeySignUpSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });
});
