import { describe, expect, it } from "vitest";
import { clientUploadPayloadSchema, contentTypeAllowed } from "./uploads.js";

describe("contentTypeAllowed", () => {
  it.each(["text/csv", "text/plain; charset=utf-8", "image/png", "IMAGE/WEBP", "application/json"])(
    "allows %s",
    (t) => expect(contentTypeAllowed(t)).toBe(true),
  );
  it.each(["application/x-msdownload", "video/mp4", "", "textual/csv", "application/javascript"])(
    "refuses %j",
    (t) => expect(contentTypeAllowed(t)).toBe(false),
  );
});

describe("clientUploadPayloadSchema", () => {
  it("defaults the uploader and trims it", () => {
    expect(clientUploadPayloadSchema.parse({})).toEqual({ uploader: "anonymous" });
    expect(clientUploadPayloadSchema.parse({ uploader: "  Ada " })).toEqual({ uploader: "Ada" });
  });
  it("refuses an overlong name", () =>
    expect(clientUploadPayloadSchema.safeParse({ uploader: "x".repeat(81) }).success).toBe(false));
});
