import { describe, expect, it } from "vitest";
import { BlobInvalidPathError } from "./errors.ts";
import { isValidBlobPath, MAX_PATH_BYTES, normalizeBlobPath, utf8ByteLength } from "./path.ts";

function reasonFor(path: string): string {
  try {
    normalizeBlobPath(path);
  } catch (err) {
    expect(err).toBeInstanceOf(BlobInvalidPathError);
    const error = err as BlobInvalidPathError;
    expect(error.code).toBe("invalid_path");
    expect(error.message).toMatch(/^Not a valid blob path: /);
    return String(error.details?.reason);
  }
  throw new Error(`${JSON.stringify(path)} was accepted`);
}

describe("normalizeBlobPath", () => {
  it.each([
    "a",
    "report.csv",
    "uploads/2026/report.csv",
    "a/b/c/d/e/f.txt",
    ".hidden",
    "a/.env",
    "...",
    "a/..b/c..",
    "with space/in the middle.txt",
    "ファイル/日本語.txt",
    "emoji/😀.png",
    "percent/100%.txt",
    "percent/%zz",
    "percent/%41bc",
    "a/~blob.json.bak",
    "Ünïcødé (1) #?&=+.txt",
    "notes….txt",
    "family/👨‍👩‍👧.jpg",
    "ｆｕｌｌｗｉｄｔｈ.txt",
  ])("accepts %j unchanged", (path) => {
    expect(normalizeBlobPath(path)).toBe(path);
    expect(isValidBlobPath(path)).toBe(true);
  });

  it("normalizes to NFC, so NFD and NFC name the same blob", () => {
    const nfd = "docs/cafe\u0301.txt";
    expect(normalizeBlobPath(nfd)).toBe("docs/caf\u00e9.txt");
    expect(normalizeBlobPath("docs/caf\u00e9.txt")).toBe("docs/caf\u00e9.txt");
  });

  it.each([
    ["", /empty/],
    ["/abs", /absolute/],
    ["/", /absolute/],
    ["a/", /ends with \//],
    ["a//b", /empty segment/],
    ["a\\b", /backslash/],
    ["..\\x", /backslash/],
    ["a\u0000b", /control/],
    ["a\nb", /control/],
    ["a\u007fb", /control/],
    ["a\u0085b", /control/],
    ["a\u009fb", /control/],
    [".", /"\." is not allowed/],
    ["..", /"\.\." is not allowed/],
    ["../x", /"\.\." is not allowed/],
    ["a/../b", /"\.\." is not allowed/],
    ["a/./b", /"\." is not allowed/],
    ["a/..", /"\.\." is not allowed/],
    ["%2e%2e/x", /decodes to "\.\."/],
    ["%2E%2e/x", /decodes to "\.\."/],
    ["a/%2e/b", /decodes to "\."/],
    ["a/.%2E/b", /decodes to "\.\."/],
    ["%252e%252e/x", /decodes to "\.\."/],
    ["a%2fb", /percent-escapes/],
    ["a%5C..", /percent-escapes/],
    ["a%00b", /percent-escapes/],
    [" a", /whitespace/],
    ["a ", /whitespace/],
    ["dir /x", /whitespace/],
    ["dir/\tx", /control/],
    ["a/\u00a0x", /whitespace/],
    ["a/\u3000", /whitespace/],
    ["~blob.json", /reserved/],
    ["a/~blob.json", /reserved/],
    ["a/~BLOB.JSON/b", /reserved/],
    ["uploads/\uFFFD.csv", /U\+FFFD/],
    ["a\u202Egnp.exe", /bidirectional/],
    ["a\u2066b", /bidirectional/],
    ["a\u200Fb", /bidirectional/],
    ["\uFF0E\uFF0E/x", /dot, slash or backslash/],
    ["a\uFF0Fb", /dot, slash or backslash/],
    ["a\u2024b", /dot, slash or backslash/],
    ["\u2025/etc", /dot, slash or backslash/],
    ["a\uFF3Cb", /dot, slash or backslash/],
    ["\ud800", /lone surrogate/],
    ["a\udc00b", /lone surrogate/],
  ])("rejects %j", (path, reason) => {
    expect(reasonFor(path)).toMatch(reason);
    expect(isValidBlobPath(path)).toBe(false);
  });

  it("limits a segment to 255 UTF-8 bytes", () => {
    expect(normalizeBlobPath("x".repeat(255))).toHaveLength(255);
    expect(reasonFor("x".repeat(256))).toMatch(/longer than 255 bytes/);
    // 85 three-byte characters are 255 bytes; one more is too many.
    expect(isValidBlobPath("語".repeat(85))).toBe(true);
    expect(reasonFor(`a/${"語".repeat(86)}`)).toMatch(/longer than 255 bytes/);
    // NFD "é" is two code points (3 bytes), NFC is one (2 bytes): the limit applies after NFC.
    expect(isValidBlobPath("e\u0301".repeat(127))).toBe(true);
  });

  it("limits a path to 900 UTF-8 bytes", () => {
    const segment = "x".repeat(99);
    const exact = Array.from({ length: 9 }, () => segment).join("/"); // 9 × 99 + 8 = 899
    expect(isValidBlobPath(`${exact}y`)).toBe(true);
    expect(utf8ByteLength(`${exact}y`)).toBe(MAX_PATH_BYTES);
    expect(reasonFor(`${exact}yz`)).toMatch(/longer than 900 bytes/);
    expect(reasonFor(`${"a/".repeat(450)}b`)).toMatch(/longer than 900 bytes/);
    expect(reasonFor(`${"é/".repeat(300)}b`)).toMatch(/longer than 900 bytes/);
  });

  it("counts UTF-8 bytes like Buffer does", () => {
    for (const s of ["", "abc", "é", "語", "😀", "a😀b語é", "\ud800x"]) {
      expect(utf8ByteLength(s), s).toBe(Buffer.byteLength(s, "utf8"));
    }
  });

  it("rejects what is not a string", () => {
    expect(() => normalizeBlobPath(42 as unknown as string)).toThrow(BlobInvalidPathError);
    expect(isValidBlobPath(undefined as unknown as string)).toBe(false);
  });

  it("keeps long inputs out of the error's path", () => {
    try {
      normalizeBlobPath("x".repeat(5000));
    } catch (err) {
      expect((err as BlobInvalidPathError).path?.length).toBe(200);
    }
  });
});
