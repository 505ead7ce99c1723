import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { fieldErrors } from "../issues.ts";
import { queryRecord } from "../query.ts";
import { UPLOAD_LIMITS } from "../uploads.ts";
import {
  blobListQuerySchema,
  blobPathQuerySchema,
  blobUploadQuerySchema,
  clientUploadPayloadSchema,
  SERVER_UPLOAD_MAX_BYTES,
  SERVER_UPLOAD_MAX_LABEL,
} from "./blobs.ts";

const query = (q: string) => queryRecord(new URLSearchParams(q));

/** The field errors of a refused query. */
function refusal(schema: z.ZodType, q: string) {
  const result = schema.safeParse(query(q));
  expect(result.success, q).toBe(false);
  return result.success ? {} : fieldErrors(result.error);
}

describe("blobListQuerySchema", () => {
  it("fills the defaults: everything, 100 at a time, from the start", () => {
    expect(blobListQuerySchema.parse(query(""))).toEqual({ prefix: "", limit: 100, cursor: null });
  });

  it("takes a folder, a limit and a cursor, ignoring unknown parameters", () => {
    expect(blobListQuerySchema.parse(query("prefix=uploads/&limit=2&cursor=abc&_=1"))).toEqual({
      prefix: "uploads/",
      limit: 2,
      cursor: "abc",
    });
    expect(blobListQuerySchema.parse(query("prefix=uploads/sa&cursor=")).cursor).toBeNull();
  });

  it("reads a prefix in its composed form (NFC)", () => {
    expect(blobListQuerySchema.parse(query(`prefix=${encodeURIComponent("cafe\u0301/")}`)).prefix).toBe(
      "caf\u00e9/",
    );
  });

  it.each(["limit=0", "limit=1001", "limit=abc", "limit=1e2", "limit=", "limit=2.5", "limit=-1"])(
    "refuses %s naming the limit",
    (q) => {
      expect(refusal(blobListQuerySchema, q).limit?.[0]).toBe("limit must be a whole number from 1 to 1000");
    },
  );

  it.each(["../", "../u1/", "/users/", "uploads/../../", "a//b", "a\\b"])(
    "refuses the prefix %j",
    (prefix) => {
      expect(refusal(blobListQuerySchema, `prefix=${encodeURIComponent(prefix)}`).prefix?.[0]).toMatch(
        /prefix must be the start of a valid path/,
      );
    },
  );

  it("refuses a parameter given twice, naming it", () => {
    expect(refusal(blobListQuerySchema, "prefix=a/&prefix=b/").prefix?.[0]).toBe(
      "prefix was given 2 times; give it once",
    );
  });
});

describe("blobPathQuerySchema", () => {
  it("takes the path as given: the store's rules are the handler's to apply", () => {
    expect(blobPathQuerySchema.parse(query("path=uploads/a.csv"))).toEqual({ path: "uploads/a.csv" });
  });

  it.each(["", "path=", "other=uploads/a.csv"])("refuses %j: the path is required", (q) => {
    expect(refusal(blobPathQuerySchema, q).path?.[0]).toBe("path is required, e.g. ?path=uploads/report.csv");
  });

  it("refuses two paths", () => {
    expect(refusal(blobPathQuerySchema, "path=a&path=b").path?.[0]).toMatch(/given 2 times/);
  });
});

describe("blobUploadQuerySchema", () => {
  it.each([
    ["path=a.csv", false],
    ["path=a.csv&overwrite=false", false],
    ["path=a.csv&overwrite=true", true],
  ])("reads %s", (q, overwrite) => {
    expect(blobUploadQuerySchema.parse(query(q))).toEqual({ path: "a.csv", overwrite });
  });

  it.each(["yes", "1", "TRUE", ""])("refuses overwrite=%s", (value) => {
    expect(refusal(blobUploadQuerySchema, `path=a.csv&overwrite=${value}`).overwrite?.[0]).toBe(
      "overwrite must be true or false",
    );
  });
});

describe("clientUploadPayloadSchema", () => {
  it("takes a size in bytes, or none", () => {
    expect(clientUploadPayloadSchema.parse({ size: 1024 }).size).toBe(1024);
    expect(clientUploadPayloadSchema.parse({}).size).toBeUndefined();
  });
  it.each([-1, 1.5, "12"])("refuses the size %j", (size) => {
    expect(clientUploadPayloadSchema.safeParse({ size }).success).toBe(false);
  });
});

describe("SERVER_UPLOAD_MAX_BYTES", () => {
  it("is the platform's 4.5 MB body limit, the one the config answer shows", () => {
    expect(SERVER_UPLOAD_MAX_BYTES).toBe(4_718_592);
    expect(SERVER_UPLOAD_MAX_LABEL).toBe("4.5 MB");
    expect(UPLOAD_LIMITS.maxServerUploadBytes).toBe(SERVER_UPLOAD_MAX_BYTES);
  });
});
