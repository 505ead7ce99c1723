import { decodeText, sniffDelimited, sniffJson, sniffMarkup } from "./sniff-text.ts";

/** What the bytes say a file is, whatever name or Content-Type it arrived with. */
export interface SniffResult {
  /** IANA media type; `application/octet-stream` when nothing matched. */
  mime: string;
  /** The usual extension without a dot, or null when there is none worth suggesting. */
  extension: string | null;
  /** Short human-readable label, e.g. "PNG image". */
  description: string;
  /**
   * Present for text types only. `unknown-8bit` means the bytes are text-like but not valid UTF-8
   * (typically Windows-1252 or Latin-1): readable, but a consumer must not assume UTF-8.
   */
  text?: { charset: "utf-8" | "utf-16le" | "utf-16be" | "unknown-8bit"; bom: boolean };
}

export interface SniffOptions {
  /**
   * True when `head` is the whole file. A partial head cannot be parsed as JSON in full and its last line
   * is cut, so the text heuristics relax accordingly. Default false.
   */
  complete?: boolean;
}

/** How many leading bytes `sniffType` can use; more is ignored (TAR needs 262, text heuristics like 8 KiB). */
export const SNIFF_HEAD_BYTES = 8192;

const OCTET_STREAM: SniffResult = {
  mime: "application/octet-stream",
  extension: null,
  description: "Unknown binary data",
};

function r(mime: string, extension: string | null, description: string): SniffResult {
  return { mime, extension, description };
}

function startsWith(head: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[offset + i] !== bytes[i]) return false;
  return true;
}

function ascii(head: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...head.subarray(start, Math.min(end, head.length)));
}

function startsWithAscii(head: Uint8Array, text: string, offset = 0): boolean {
  return ascii(head, offset, offset + text.length) === text;
}

function u16le(head: Uint8Array, at: number): number {
  return (head[at] ?? 0) | ((head[at + 1] ?? 0) << 8);
}

function u32le(head: Uint8Array, at: number): number {
  return (u16le(head, at) + u16le(head, at + 2) * 0x10000) >>> 0;
}

function u32be(head: Uint8Array, at: number): number {
  return (
    (((head[at] ?? 0) << 24) |
      ((head[at + 1] ?? 0) << 16) |
      ((head[at + 2] ?? 0) << 8) |
      (head[at + 3] ?? 0)) >>>
    0
  );
}

/**
 * ISO base media files (MP4, MOV, HEIF, AVIF) share the `ftyp` box; the major brand and the compatible
 * brands after it tell them apart. AVIF and HEIC often carry the generic `mif1` major brand, so the
 * compatible list is checked too.
 */
function sniffFtyp(head: Uint8Array): SniffResult | null {
  if (!startsWithAscii(head, "ftyp", 4)) return null;
  const boxSize = u32be(head, 0);
  const major = ascii(head, 8, 12);
  const brands = [major];
  for (let at = 16; at + 4 <= Math.min(boxSize, head.length, 256); at += 4)
    brands.push(ascii(head, at, at + 4));
  const has = (...names: string[]) => brands.some((b) => names.includes(b));
  if (has("avif", "avis")) return r("image/avif", "avif", "AVIF image");
  if (has("heic", "heix", "heim", "heis", "hevc", "hevx")) return r("image/heic", "heic", "HEIC image");
  if (has("mif1", "msf1")) return r("image/heif", "heif", "HEIF image");
  if (major === "qt  ") return r("video/quicktime", "mov", "QuickTime movie");
  if (major === "M4A " || major === "M4B ") return r("audio/mp4", "m4a", "MPEG-4 audio");
  if (major.startsWith("3g")) return r("video/3gpp", "3gp", "3GPP video");
  return r("video/mp4", "mp4", "MPEG-4 video");
}

/**
 * ZIP, and the formats that are ZIP inside. OOXML puts `[Content_Types].xml` first and its parts under
 * word/, xl/ or ppt/; ODF and EPUB store a `mimetype` entry first, uncompressed, holding the exact type.
 */
function sniffZip(head: Uint8Array): SniffResult {
  const zip = r("application/zip", "zip", "ZIP archive");
  if (!startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return zip;
  const nameLength = u16le(head, 26);
  const extraLength = u16le(head, 28);
  const firstName = ascii(head, 30, 30 + nameLength);
  if (firstName === "mimetype" && u16le(head, 8) === 0) {
    const dataStart = 30 + nameLength + extraLength;
    const type = ascii(head, dataStart, dataStart + Math.min(u32le(head, 18), 100));
    if (type === "application/epub+zip") return r(type, "epub", "EPUB e-book");
    const odf: Record<string, [string, string]> = {
      "application/vnd.oasis.opendocument.text": ["odt", "OpenDocument text"],
      "application/vnd.oasis.opendocument.spreadsheet": ["ods", "OpenDocument spreadsheet"],
      "application/vnd.oasis.opendocument.presentation": ["odp", "OpenDocument presentation"],
    };
    const hit = odf[type];
    if (hit) return r(type, hit[0], hit[1]);
    return zip;
  }
  // Entry names sit uncompressed in each local header, so a plain scan of the head finds the part folders.
  const names = ascii(head, 30, head.length);
  if (
    firstName === "[Content_Types].xml" ||
    firstName.startsWith("_rels/") ||
    /(word|xl|ppt)\//.test(names)
  ) {
    if (names.includes("word/"))
      return r(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "Word document (OOXML)",
      );
    if (names.includes("xl/"))
      return r(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "Excel workbook (OOXML)",
      );
    if (names.includes("ppt/"))
      return r(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        "PowerPoint presentation (OOXML)",
      );
  }
  if (firstName === "META-INF/MANIFEST.MF" || firstName === "META-INF/") {
    return r("application/java-archive", "jar", "Java archive");
  }
  return zip;
}

/** MPEG audio frame sync: 11 set bits, then version, layer and a bitrate index that is not "bad". */
function isMpegAudioFrame(head: Uint8Array): "mp3" | "aac" | null {
  const b0 = head[0];
  const b1 = head[1];
  const b2 = head[2];
  if (b0 !== 0xff || b1 === undefined || b2 === undefined || (b1 & 0xe0) !== 0xe0) return null;
  const layer = (b1 >> 1) & 0x3;
  if (layer === 0) {
    // ADTS (AAC) has layer 00 and the MPEG-4/-2 id bit pattern 0xFFF.
    return (b1 & 0xf6) === 0xf0 ? "aac" : null;
  }
  const version = (b1 >> 3) & 0x3;
  const bitrate = b2 >> 4;
  const sampleRate = (b2 >> 2) & 0x3;
  if (version === 1 || bitrate === 0xf || sampleRate === 0x3) return null;
  return layer === 1 ? "mp3" : null;
}

/**
 * Identifies a file from its first bytes (magic numbers first, then text heuristics) and ignores whatever
 * type the uploader claimed. Pass at least the first {@link SNIFF_HEAD_BYTES} bytes when you have them;
 * fewer still work for the binary formats, whose signatures sit in the first 300 bytes.
 *
 * @param head - the first bytes of the file
 * @param options - `complete: true` when `head` is the entire file
 * @example sniffType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])).mime // "image/png"
 * @example sniffType(new TextEncoder().encode("a,b\n1,2\n"), { complete: true }).mime // "text/csv"
 */
export function sniffType(head: Uint8Array, options: SniffOptions = {}): SniffResult {
  const h = head.length > SNIFF_HEAD_BYTES ? head.subarray(0, SNIFF_HEAD_BYTES) : head;
  const complete = options.complete ?? false;
  if (h.length === 0) return r("application/x-empty", null, "Empty (0 bytes)");

  // Images
  if (startsWith(h, [0xff, 0xd8, 0xff])) return r("image/jpeg", "jpg", "JPEG image");
  if (startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return r("image/png", "png", "PNG image");
  if (startsWithAscii(h, "GIF87a") || startsWithAscii(h, "GIF89a")) return r("image/gif", "gif", "GIF image");
  if (startsWithAscii(h, "RIFF")) {
    const kind = ascii(h, 8, 12);
    if (kind === "WEBP") return r("image/webp", "webp", "WebP image");
    if (kind === "WAVE") return r("audio/wav", "wav", "WAV audio");
    if (kind === "AVI ") return r("video/x-msvideo", "avi", "AVI video");
    return r("application/octet-stream", null, `RIFF container (${kind.trim() || "unknown"})`);
  }
  const ftyp = sniffFtyp(h);
  if (ftyp) return ftyp;
  if (startsWith(h, [0x49, 0x49, 0x2a, 0x00]) || startsWith(h, [0x4d, 0x4d, 0x00, 0x2a])) {
    return r("image/tiff", "tiff", "TIFF image");
  }
  // "BM" alone is too weak (any text may start so); the DIB header size that follows has a few legal values.
  if (startsWithAscii(h, "BM") && [12, 40, 52, 56, 64, 108, 124].includes(u32le(h, 14))) {
    return r("image/bmp", "bmp", "BMP image");
  }
  if ((startsWith(h, [0, 0, 1, 0]) || startsWith(h, [0, 0, 2, 0])) && u16le(h, 4) > 0 && h[9] === 0) {
    return h[2] === 1 ? r("image/x-icon", "ico", "Windows icon") : r("image/x-icon", "cur", "Windows cursor");
  }

  // Documents and archives
  if (startsWithAscii(h, "%PDF-")) return r("application/pdf", "pdf", "PDF document");
  if (startsWith(h, [0x50, 0x4b]) && [0x0304, 0x0506, 0x0708].includes(((h[2] ?? 0) << 8) | (h[3] ?? 0))) {
    return sniffZip(h);
  }
  if (startsWith(h, [0x1f, 0x8b, 0x08])) return r("application/gzip", "gz", "gzip compressed data");
  if (startsWithAscii(h, "BZh") && (h[3] ?? 0) >= 0x31 && (h[3] ?? 0) <= 0x39) {
    return r("application/x-bzip2", "bz2", "bzip2 compressed data");
  }
  if (startsWith(h, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
    return r("application/x-xz", "xz", "XZ compressed data");
  if (startsWith(h, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) {
    return r("application/x-7z-compressed", "7z", "7-Zip archive");
  }
  if (startsWith(h, [0x28, 0xb5, 0x2f, 0xfd]))
    return r("application/zstd", "zst", "Zstandard compressed data");
  if (startsWithAscii(h, "ustar", 257)) return r("application/x-tar", "tar", "TAR archive");
  if (startsWithAscii(h, "SQLite format 3\0"))
    return r("application/vnd.sqlite3", "sqlite", "SQLite 3 database");

  // Audio and video
  if (startsWithAscii(h, "ID3")) return r("audio/mpeg", "mp3", "MP3 audio (ID3 tagged)");
  if (startsWithAscii(h, "fLaC")) return r("audio/flac", "flac", "FLAC audio");
  if (startsWithAscii(h, "OggS")) {
    const page = ascii(h, 28, 64);
    if (page.startsWith("OpusHead")) return r("audio/ogg", "opus", "Ogg Opus audio");
    if (page.startsWith("\x01vorbis")) return r("audio/ogg", "ogg", "Ogg Vorbis audio");
    if (page.startsWith("\x80theora")) return r("video/ogg", "ogv", "Ogg Theora video");
    return r("application/ogg", "ogg", "Ogg container");
  }
  if (startsWith(h, [0x1a, 0x45, 0xdf, 0xa3])) {
    // The EBML DocType string ("webm" or "matroska") sits within the first few dozen bytes.
    return ascii(h, 0, 64).includes("webm")
      ? r("video/webm", "webm", "WebM video")
      : r("video/x-matroska", "mkv", "Matroska video");
  }
  const mpeg = isMpegAudioFrame(h);
  if (mpeg === "mp3") return r("audio/mpeg", "mp3", "MP3 audio");
  if (mpeg === "aac") return r("audio/aac", "aac", "AAC audio (ADTS)");

  // Executables and code
  if (startsWith(h, [0x00, 0x61, 0x73, 0x6d])) return r("application/wasm", "wasm", "WebAssembly module");
  if (startsWith(h, [0x7f, 0x45, 0x4c, 0x46]))
    return r("application/x-elf", null, "ELF executable or library");
  if (startsWithAscii(h, "MZ") && h.length >= 64) {
    const peAt = u32le(h, 0x3c);
    if (peAt + 24 <= h.length && startsWith(h, [0x50, 0x45, 0, 0], peAt)) {
      // IMAGE_FILE_DLL in the COFF header's Characteristics field.
      const dll = (u16le(h, peAt + 22) & 0x2000) !== 0;
      return dll
        ? r("application/vnd.microsoft.portable-executable", "dll", "Windows DLL (PE)")
        : r("application/vnd.microsoft.portable-executable", "exe", "Windows executable (PE)");
    }
    if (peAt >= h.length) {
      return r("application/vnd.microsoft.portable-executable", "exe", "Windows executable (MZ)");
    }
    if (peAt + 4 <= h.length) return r("application/x-dosexec", "exe", "DOS executable (MZ)");
  }
  const magic32 = u32be(h, 0);
  if (h.length >= 4 && [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(magic32)) {
    return r("application/x-mach-binary", null, "Mach-O binary");
  }
  if (h.length >= 8 && magic32 === 0xcafebabe) {
    // Java class files share this magic; there the next word is the class version (45 and up), while a
    // universal Mach-O binary has its architecture count there, a small number.
    return u32be(h, 4) < 45
      ? r("application/x-mach-binary", null, "Mach-O universal binary")
      : r("application/java-vm", "class", "Java class file");
  }
  if (startsWithAscii(h, "wOFF")) return r("font/woff", "woff", "WOFF font");
  if (startsWithAscii(h, "wOF2")) return r("font/woff2", "woff2", "WOFF2 font");
  if (startsWithAscii(h, "OTTO")) return r("font/otf", "otf", "OpenType font");

  // Text
  const decoded = decodeText(h);
  if (!decoded) return { ...OCTET_STREAM };
  const text = { charset: decoded.charset, bom: decoded.bom };
  const typed = sniffMarkup(decoded.text) ??
    (startsWithAscii(h, "{\\rtf") ? r("application/rtf", "rtf", "Rich Text Format") : null) ??
    sniffJson(decoded.text, complete) ??
    sniffDelimited(decoded.text, complete) ?? {
      mime: "text/plain",
      extension: "txt",
      description: "Plain text",
    };
  return { ...typed, text };
}
