import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  analyzeAnyStream,
  isTypeMismatch,
  ProcessorError,
  readWhole,
  reusedChunksOf,
  sniffType,
} from "./sniff.ts";

/** Bytes from a mix of numbers and latin1 strings, padded with zeros to `length`. */
function bytes(parts: (number[] | string)[], length = 0): Uint8Array {
  const out: number[] = [];
  for (const p of parts) out.push(...(typeof p === "string" ? [...Buffer.from(p, "latin1")] : p));
  while (out.length < length) out.push(0);
  return new Uint8Array(out);
}

function at(offset: number, part: number[] | string, length = offset + 16): Uint8Array {
  const b = bytes([], length);
  b.set(bytes([part]), offset);
  return b;
}

function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + compatible.length * 4;
  return bytes([[0, 0, 0, size], "ftyp", major, [0, 0, 0, 0], ...compatible], 64);
}

function zipEntry(name: string, data = ""): Uint8Array {
  const header = bytes([[0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0]], 30);
  const view = new DataView(header.buffer);
  view.setUint32(18, data.length, true);
  view.setUint32(22, data.length, true);
  view.setUint16(26, name.length, true);
  return bytes([[...header], name, data]);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function pe(dll: boolean): Uint8Array {
  const b = bytes(["MZ"], 256);
  new DataView(b.buffer).setUint32(0x3c, 0x80, true);
  b.set(bytes(["PE\0\0", [0x4c, 0x01]]), 0x80);
  new DataView(b.buffer).setUint16(0x80 + 22, dll ? 0x2102 : 0x0102, true);
  return b;
}

/** An Ogg page: 27-byte header, a one-entry segment table, then the codec's first packet at 28. */
function oggPage(packet: string): Uint8Array {
  return bytes([[...bytes(["OggS", [0, 2]], 28)], packet], 64);
}

const text = (s: string) => new TextEncoder().encode(s);

describe("sniffType: magic numbers", () => {
  const table: [string, Uint8Array, string, string | null][] = [
    ["JPEG", bytes([[0xff, 0xd8, 0xff, 0xe0]], 16), "image/jpeg", "jpg"],
    ["PNG", bytes([[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]], 16), "image/png", "png"],
    ["GIF87a", bytes(["GIF87a"], 16), "image/gif", "gif"],
    ["GIF89a", bytes(["GIF89a"], 16), "image/gif", "gif"],
    ["WebP", bytes(["RIFF", [0, 0, 0, 0], "WEBPVP8 "], 32), "image/webp", "webp"],
    ["WAV", bytes(["RIFF", [0, 0, 0, 0], "WAVEfmt "], 32), "audio/wav", "wav"],
    ["AVI", bytes(["RIFF", [0, 0, 0, 0], "AVI LIST"], 32), "video/x-msvideo", "avi"],
    ["AVIF", ftyp("avif", "mif1", "miaf"), "image/avif", "avif"],
    ["AVIF under mif1", ftyp("mif1", "avif", "miaf"), "image/avif", "avif"],
    ["HEIC", ftyp("heic", "mif1", "heic"), "image/heic", "heic"],
    ["HEIF", ftyp("mif1", "miaf"), "image/heif", "heif"],
    ["MP4", ftyp("isom", "iso2", "avc1", "mp41"), "video/mp4", "mp4"],
    ["MOV", ftyp("qt  ", "qt  "), "video/quicktime", "mov"],
    ["M4A", ftyp("M4A ", "M4A ", "mp42"), "audio/mp4", "m4a"],
    ["3GP", ftyp("3gp4", "3gp4"), "video/3gpp", "3gp"],
    ["TIFF LE", bytes([[0x49, 0x49, 0x2a, 0]], 16), "image/tiff", "tiff"],
    ["TIFF BE", bytes([[0x4d, 0x4d, 0, 0x2a]], 16), "image/tiff", "tiff"],
    ["BMP", bytes(["BM", [0, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0]], 32), "image/bmp", "bmp"],
    ["ICO", bytes([[0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0]], 32), "image/x-icon", "ico"],
    ["PDF", bytes(["%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]), "application/pdf", "pdf"],
    ["ZIP", zipEntry("hello.txt", "hi"), "application/zip", "zip"],
    ["empty ZIP", bytes([[0x50, 0x4b, 0x05, 0x06]], 22), "application/zip", "zip"],
    [
      "DOCX",
      concat(
        zipEntry("[Content_Types].xml", "<Types/>"),
        zipEntry("_rels/.rels"),
        zipEntry("word/document.xml"),
      ),
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "docx",
    ],
    [
      "XLSX",
      concat(zipEntry("[Content_Types].xml", "<Types/>"), zipEntry("xl/workbook.xml")),
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "xlsx",
    ],
    [
      "PPTX",
      concat(zipEntry("[Content_Types].xml"), zipEntry("ppt/presentation.xml")),
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
      "pptx",
    ],
    [
      "ODT",
      zipEntry("mimetype", "application/vnd.oasis.opendocument.text"),
      "application/vnd.oasis.opendocument.text",
      "odt",
    ],
    ["EPUB", zipEntry("mimetype", "application/epub+zip"), "application/epub+zip", "epub"],
    ["JAR", zipEntry("META-INF/MANIFEST.MF", "Manifest-Version: 1.0"), "application/java-archive", "jar"],
    ["GZIP", bytes([[0x1f, 0x8b, 0x08, 0]], 16), "application/gzip", "gz"],
    ["BZIP2", bytes(["BZh91AY&SY"], 16), "application/x-bzip2", "bz2"],
    ["XZ", bytes([[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]], 16), "application/x-xz", "xz"],
    ["7z", bytes([[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]], 32), "application/x-7z-compressed", "7z"],
    ["Zstandard", bytes([[0x28, 0xb5, 0x2f, 0xfd]], 16), "application/zstd", "zst"],
    ["TAR (POSIX)", at(257, "ustar\x0000", 512), "application/x-tar", "tar"],
    ["TAR (GNU)", at(257, "ustar  \0", 512), "application/x-tar", "tar"],
    ["MP3 with ID3", bytes(["ID3", [4, 0, 0, 0, 0, 0, 0]], 16), "audio/mpeg", "mp3"],
    ["MP3 frame", bytes([[0xff, 0xfb, 0x90, 0x64]], 16), "audio/mpeg", "mp3"],
    ["AAC ADTS", bytes([[0xff, 0xf1, 0x50, 0x80]], 16), "audio/aac", "aac"],
    ["OGG Vorbis", oggPage("\x01vorbis"), "audio/ogg", "ogg"],
    ["FLAC", bytes(["fLaC", [0, 0, 0, 34]], 16), "audio/flac", "flac"],
    [
      "WebM",
      bytes([[0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 1, 0x42, 0x82, 0x84], "webm"], 64),
      "video/webm",
      "webm",
    ],
    [
      "Matroska",
      bytes([[0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x82, 0x88], "matroska"], 64),
      "video/x-matroska",
      "mkv",
    ],
    ["SQLite", bytes(["SQLite format 3\0", [0x10, 0]], 100), "application/vnd.sqlite3", "sqlite"],
    ["WASM", bytes([[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]]), "application/wasm", "wasm"],
    ["ELF", bytes([[0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]], 64), "application/x-elf", null],
    ["PE executable", pe(false), "application/vnd.microsoft.portable-executable", "exe"],
    ["PE DLL", pe(true), "application/vnd.microsoft.portable-executable", "dll"],
    ["Mach-O 64", bytes([[0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]], 32), "application/x-mach-binary", null],
    [
      "Mach-O universal",
      bytes([[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]], 32),
      "application/x-mach-binary",
      null,
    ],
    ["Java class", bytes([[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61]], 32), "application/java-vm", "class"],
    ["WOFF2", bytes(["wOF2", [0, 1, 0, 0]], 16), "font/woff2", "woff2"],
  ];

  it.each(table)("%s", (_name, head, mime, extension) => {
    const result = sniffType(head);
    expect(result.mime).toBe(mime);
    expect(result.extension).toBe(extension);
    expect(result.description.length).toBeGreaterThan(0);
    expect(result.text).toBeUndefined();
  });

  it("uses Ogg's first packet to tell Opus from Vorbis", () => {
    expect(sniffType(oggPage("OpusHead")).extension).toBe("opus");
    expect(sniffType(oggPage("\x80theora")).mime).toBe("video/ogg");
    expect(sniffType(oggPage("unknown codec")).mime).toBe("application/ogg");
  });

  it("does not take text that happens to start with BM or MZ for BMP or an executable", () => {
    expect(sniffType(text("BMW owners club meeting notes\n")).mime).toBe("text/plain");
    expect(sniffType(text("MZ is a pair of initials\n")).mime).toBe("text/plain");
  });

  it("says empty for zero bytes and octet-stream for unknown binary", () => {
    expect(sniffType(new Uint8Array(0))).toMatchObject({ mime: "application/x-empty", extension: null });
    const noise = new Uint8Array(512).map((_, i) => (i * 7919 + 13) % 256);
    expect(sniffType(noise)).toEqual({
      mime: "application/octet-stream",
      extension: null,
      description: "Unknown binary data",
    });
  });
});

describe("sniffType: text heuristics", () => {
  it("plain UTF-8, with and without a BOM", () => {
    expect(sniffType(text("Grüße aus Köln — ünïcödé ✓\nsecond line\n"))).toMatchObject({
      mime: "text/plain",
      extension: "txt",
      text: { charset: "utf-8", bom: false },
    });
    expect(sniffType(bytes([[0xef, 0xbb, 0xbf], "hello"])).text).toEqual({ charset: "utf-8", bom: true });
  });

  it("UTF-16 with a BOM", () => {
    const le = new Uint8Array([0xff, 0xfe, ...Buffer.from("hello world\n", "utf16le")]);
    expect(sniffType(le)).toMatchObject({ mime: "text/plain", text: { charset: "utf-16le", bom: true } });
  });

  it("JSON objects and arrays that parse, a cut-off head of a large one, and NDJSON", () => {
    expect(sniffType(text('  {"a": [1, 2, {"b": null}]}\n'), { complete: true }).mime).toBe(
      "application/json",
    );
    expect(sniffType(text("[1, 2, 3]"), { complete: true }).mime).toBe("application/json");
    expect(sniffType(text('[{"id": 1, "name": "first"}, {"id": 2, "na'), { complete: false }).mime).toBe(
      "application/json",
    );
    expect(sniffType(text('{"a":1}\n{"a":2}\n{"a":3}\n'), { complete: true }).mime).toBe(
      "application/x-ndjson",
    );
    // A complete file that does not parse is not JSON.
    expect(sniffType(text("{not json at all"), { complete: true }).mime).toBe("text/plain");
  });

  it("CSV and TSV by consistent delimiter counts, respecting quotes", () => {
    const csv = 'id,name,city\n1,"Smith, Jane",Boston\n2,Lee,"Austin, TX"\n3,Kim,Denver\n';
    expect(sniffType(text(csv), { complete: true })).toMatchObject({ mime: "text/csv", extension: "csv" });
    const semicolons = "a;b;c\n1;2;3\n4;5;6\n";
    expect(sniffType(text(semicolons), { complete: true }).mime).toBe("text/csv");
    const tsv = "id\tname\tnote\n1\tAda\tlikes commas, a lot\n2\tBob\tno\n";
    expect(sniffType(text(tsv), { complete: true })).toMatchObject({
      mime: "text/tab-separated-values",
      extension: "tsv",
    });
    // A partial last line of a cut head does not break the count.
    expect(sniffType(text("x,y\n1,2\n3,4\n5"), { complete: false }).mime).toBe("text/csv");
    // Prose with a comma or two per line is not CSV.
    expect(sniffType(text("Hello, world.\nThis line has none\nAnd this, one, two.\n")).mime).toBe(
      "text/plain",
    );
  });

  it("HTML, XML and SVG", () => {
    expect(sniffType(text("<!DOCTYPE html>\n<html><body>hi</body></html>")).mime).toBe("text/html");
    expect(sniffType(text("  <html lang=en><head></head></html>")).mime).toBe("text/html");
    expect(sniffType(text("<script>alert(1)</script>")).mime).toBe("text/html");
    expect(sniffType(text('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"/>')).mime).toBe(
      "application/xml",
    );
    expect(
      sniffType(
        text('<?xml version="1.0"?>\n<!-- made by hand -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
      ),
    ).toMatchObject({ mime: "image/svg+xml", extension: "svg" });
    expect(sniffType(text('<svg viewBox="0 0 1 1"></svg>')).mime).toBe("image/svg+xml");
  });

  it("flags 8-bit text that is not UTF-8, and calls bytes with NULs binary", () => {
    const latin1 = Buffer.from("Caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve fa\xe7ade\n", "latin1");
    expect(sniffType(latin1)).toMatchObject({
      mime: "text/plain",
      text: { charset: "unknown-8bit", bom: false },
    });
    expect(sniffType(bytes(["hello", [0, 1, 2, 3], "world"])).mime).toBe("application/octet-stream");
  });

  it("does not call a UTF-8 head cut inside a multi-byte character invalid", () => {
    const head = text("ünïcödé ".repeat(20)).subarray(0, 101);
    expect(sniffType(head).text?.charset).toBe("utf-8");
  });
});

describe("analyzeAnyStream", () => {
  it("hashes and sizes the whole stream while sniffing only its head", async () => {
    const body = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(100_000, 7),
    ]);
    const chunks = [body.subarray(0, 3), body.subarray(3, 5000), body.subarray(5000)];
    const result = await analyzeAnyStream(Readable.from(chunks), { claimedType: "image/png" });
    expect(result).toEqual({
      size: body.length,
      sha256: createHash("sha256").update(body).digest("hex"),
      sniffed: { mime: "image/png", extension: "png", description: "PNG image" },
      claimedType: "image/png",
      mismatch: false,
    });
  });

  it("reads web ReadableStreams and leaves claimedType out when none was given", async () => {
    const result = await analyzeAnyStream(new Blob(['{"ok":true}']).stream());
    expect(result).toMatchObject({ size: 11, sniffed: { mime: "application/json" }, mismatch: false });
    expect("claimedType" in result).toBe(false);
  });

  it("parses a small file as a whole, so a complete but broken JSON is not JSON", async () => {
    const result = await analyzeAnyStream(Readable.from([Buffer.from('{"a": ')]), {
      claimedType: "application/json",
    });
    expect(result.sniffed.mime).toBe("text/plain");
    expect(result.mismatch).toBe(false);
  });

  it("handles an empty stream", async () => {
    const result = await analyzeAnyStream(Readable.from([]));
    expect(result).toMatchObject({ size: 0, sniffed: { mime: "application/x-empty" } });
    expect(result.sha256).toBe(createHash("sha256").digest("hex"));
  });

  it("throws too_large past maxBytes, and cancels a web stream it stops reading", async () => {
    const stream = Readable.from([Buffer.alloc(3000), Buffer.alloc(3000)]);
    await expect(analyzeAnyStream(stream, { maxBytes: 5000 })).rejects.toMatchObject({ code: "too_large" });
    let cancelled = false;
    const web = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(4096)),
      cancel: () => {
        cancelled = true;
      },
    });
    await expect(analyzeAnyStream(web, { maxBytes: 10_000 })).rejects.toBeInstanceOf(ProcessorError);
    expect(cancelled).toBe(true);
  });

  it("flags HTML uploaded as an image", async () => {
    const result = await analyzeAnyStream(Readable.from([Buffer.from("<html><script>x()</script></html>")]), {
      claimedType: "image/png",
    });
    expect(result).toMatchObject({ sniffed: { mime: "text/html" }, mismatch: true });
  });
});

/** A byte stream of `total` bytes (byte i is i % 253), filling whatever buffer the reader hands in. */
function byteStream(total: number, onCancel?: () => void): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: 1000,
    pull(controller) {
      const request = controller.byobRequest as ReadableStreamBYOBRequest;
      if (at >= total) {
        controller.close();
        request.respond(0);
        return;
      }
      const view = request.view as Uint8Array;
      const n = Math.min(view.byteLength, total - at, 700);
      for (let i = 0; i < n; i++) view[i] = (at + i) % 253;
      at += n;
      request.respond(n);
    },
    cancel: onCancel,
  }) as ReadableStream<Uint8Array>;
}

describe("reusedChunksOf", () => {
  it("reads a byte stream into one buffer, every chunk a view of it", async () => {
    const sizes: number[] = [];
    let total = 0;
    for await (const chunk of reusedChunksOf(byteStream(5000), 4096)) {
      sizes.push(chunk.buffer.byteLength);
      expect(chunk.byteOffset).toBe(0);
      for (let i = 0; i < chunk.length; i++) expect(chunk[i]).toBe((total + i) % 253);
      total += chunk.length;
    }
    expect(total).toBe(5000);
    // Transferred at each read (a new ArrayBuffer object, the old one detached), the same memory.
    expect(sizes).toEqual([4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096]);
  });

  it("cancels the stream when the consumer stops early", async () => {
    let cancelled = false;
    for await (const _ of reusedChunksOf(
      byteStream(100_000, () => {
        cancelled = true;
      }),
      4096,
    ))
      break;
    expect(cancelled).toBe(true);
  });

  it("reads other sources as chunksOf does: a plain web stream and a Node stream", async () => {
    const plain = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2]));
        controller.enqueue(new Uint8Array([3]));
        controller.close();
      },
    });
    const seen: number[][] = [];
    for await (const chunk of reusedChunksOf(plain, 4096)) seen.push([...chunk]);
    for await (const chunk of reusedChunksOf(Readable.from([Buffer.from([4, 5])]), 4096))
      seen.push([...chunk]);
    expect(seen).toEqual([[1, 2], [3], [4, 5]]);
  });
});

describe("readWhole", () => {
  const expected = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 253);

  it("reads a byte stream of the size given into one buffer of that size", async () => {
    const bytes = await readWhole(byteStream(5000), 5000);
    expect(bytes.buffer.byteLength).toBe(5000);
    expect(bytes).toEqual(expected(5000));
  });

  it("grows when the stream is longer than said, and is exactly as long as the stream", async () => {
    expect(await readWhole(byteStream(5000), 1000)).toEqual(expected(5000));
    expect(await readWhole(byteStream(300), 1000)).toEqual(expected(300));
    expect(await readWhole(byteStream(0), 0)).toEqual(new Uint8Array(0));
  });

  it("copies any other source together", async () => {
    const plain = Readable.from([Buffer.from([1, 2]), Buffer.from([3])]);
    expect(await readWhole(plain, 2)).toEqual(new Uint8Array([1, 2, 3]));
  });
});

describe("isTypeMismatch", () => {
  it.each([
    ["image/jpeg", "image/png", true],
    ["image/jpg", "image/jpeg", false],
    ["IMAGE/JPEG; foo=bar", "image/jpeg", false],
    ["application/octet-stream", "image/png", false],
    ["", "image/png", false],
    ["text/markdown; charset=utf-8", "text/plain", false],
    ["text/plain", "text/csv", false],
    ["application/json", "text/plain", false],
    ["text/plain", "text/html", true],
    ["image/svg+xml", "application/xml", false],
    ["image/png", "image/svg+xml", true],
    ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip", false],
    ["application/zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false],
    ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/pdf", true],
    ["video/mp4", "video/quicktime", false],
    ["audio/x-wav", "audio/wav", false],
    ["image/heif", "image/heic", false],
    ["image/jpeg", "application/octet-stream", true],
    ["application/x-some-proprietary-format", "application/octet-stream", false],
  ] as const)("claimed %s, sniffed %s → %s", (claimed, sniffed, expected) => {
    expect(isTypeMismatch(claimed, sniffed)).toBe(expected);
  });

  it("is false without a claim", () => {
    expect(isTypeMismatch(undefined, "image/png")).toBe(false);
  });
});
