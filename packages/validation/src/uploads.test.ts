import { describe, expect, it } from "vitest";
import { contentTypeAllowed, uploadTokenPayloadSchema } from "./uploads.ts";

describe("contentTypeAllowed", () => {
  it.each([
    "text/csv",
    "text/plain; charset=utf-8",
    "image/png",
    "IMAGE/WEBP",
    "application/json",
    "application/vnd.ms-excel",
  ])("allows %s", (t) => expect(contentTypeAllowed(t)).toBe(true));
  it.each([
    "application/x-msdownload",
    "video/mp4",
    "",
    "textual/csv",
    "application/javascript",
    "text/html",
    "text/html; charset=utf-8",
    "image/svg+xml",
    "application/xhtml+xml",
    "text/xml",
  ])("refuses %j", (t) => expect(contentTypeAllowed(t)).toBe(false));
});

describe("uploadTokenPayloadSchema", () => {
  it("reads what the token route writes, and nothing less", () => {
    const payload = { userId: "u1", path: "uploads/a.csv", requestedAt: new Date().toISOString() };
    expect(uploadTokenPayloadSchema.parse(payload)).toEqual(payload);
    expect(uploadTokenPayloadSchema.safeParse({ uploader: "Ada" }).success).toBe(false);
  });
});
