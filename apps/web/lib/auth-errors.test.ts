import { describe, expect, it } from "vitest";
import { authErrorMessage, safeNext } from "./auth-errors";

describe("safeNext", () => {
  it("keeps a path on this site", () => {
    expect(safeNext("/files?view=a.csv")).toBe("/files?view=a.csv");
  });
  it.each([null, "", "https://evil.example", "//evil.example/x", "/\\evil.example", "files"])(
    "replaces %j with the default",
    (next) => expect(safeNext(next)).toBe("/files"),
  );
});

describe("authErrorMessage", () => {
  it("says known codes in our words, else the server's message, else the fallback", () => {
    expect(authErrorMessage({ code: "INVALID_EMAIL_OR_PASSWORD", status: 401 }, "x")).toMatch(/do not match/);
    expect(authErrorMessage({ message: "Something specific", status: 400 }, "x")).toBe("Something specific");
    expect(authErrorMessage({ status: 500 }, "x")).toMatch(/our side/);
    expect(authErrorMessage({ status: 429 }, "x")).toMatch(/Too many/);
    expect(authErrorMessage(null, "fallback")).toBe("fallback");
  });
});
