import { createHash } from "node:crypto";
import { ProcessorError } from "./image-error.ts";
import { SNIFF_HEAD_BYTES, type SniffResult, sniffType } from "./sniff-type.ts";

/** Anything that yields byte chunks: a web ReadableStream, a Node Readable, an async generator. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Iterates the chunks of either kind of stream. Web streams are read through their reader rather than
 * `for await`, because the DOM typings in use here do not declare them async-iterable.
 */
export async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if ("getReader" in source) {
    const reader = source.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          return;
        }
        yield value;
      }
    } finally {
      // A consumer that stops early (a size limit) cancels the source, as `for await` does for Node streams,
      // so an upload body is not left half-read and buffering.
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    // A Node Readable in string mode yields strings; hash and sniff their UTF-8 bytes.
    yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
  }
}

/**
 * Like {@link chunksOf}, but a byte stream (one that takes a "byob" reader, as the filesystem
 * store's bodies do) is read into one buffer of `bufferBytes`, reused for every chunk: a long read
 * leaves no garbage buffer per chunk waiting for the collector (on a 1 GB CSV, up to 64 MB of them
 * at once, the external memory V8 lets pile up before it collects). So each chunk is valid only
 * until the next one is asked for: for consumers that copy what they keep (a CSV accumulator, a
 * hash). Any other source is read as by `chunksOf`.
 *
 * @example for await (const bytes of reusedChunksOf(body, 256 * 1024)) accumulator.push(bytes);
 */
export async function* reusedChunksOf(source: ByteSource, bufferBytes: number): AsyncGenerator<Uint8Array> {
  let reader: ReadableStreamBYOBReader | null = null;
  if ("getReader" in source) {
    try {
      reader = source.getReader({ mode: "byob" });
    } catch {
      // Not a byte stream.
    }
  }
  if (!reader) {
    yield* chunksOf(source);
    return;
  }
  let buffer = new ArrayBuffer(bufferBytes);
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buffer, 0, bufferBytes));
      if (done) {
        finished = true;
        return;
      }
      // The read hands the buffer back (transferred): the next read fills it again.
      buffer = value.buffer as ArrayBuffer;
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * All of a stream's bytes in one Uint8Array, `size` long when the size is known beforehand (a
 * stored blob's): a byte stream is read straight into it, any other source copied in chunk by chunk.
 * Grows if the stream turns out longer; the result is exactly as long as the stream.
 *
 * @example const bytes = await readWhole(got.body, got.metadata.size);
 */
export async function readWhole(source: ByteSource, size: number): Promise<Uint8Array> {
  let buffer = new ArrayBuffer(Math.max(1, size));
  let length = 0;
  let reader: ReadableStreamBYOBReader | null = null;
  if ("getReader" in source) {
    try {
      reader = source.getReader({ mode: "byob" });
    } catch {
      // Not a byte stream.
    }
  }
  if (reader) {
    try {
      for (;;) {
        if (length === buffer.byteLength) {
          // Full: one byte more tells the end (the usual case) from a longer stream.
          const { done, value } = await reader.read(new Uint8Array(1));
          if (done) break;
          const grown = new Uint8Array(buffer.byteLength * 2);
          grown.set(new Uint8Array(buffer));
          grown.set(value, length);
          buffer = grown.buffer;
          length += value.byteLength;
          continue;
        }
        const { done, value } = await reader.read(new Uint8Array(buffer, length));
        if (done) {
          if (value) buffer = value.buffer as ArrayBuffer;
          break;
        }
        buffer = value.buffer as ArrayBuffer;
        length += value.byteLength;
      }
    } finally {
      reader.releaseLock();
    }
    return new Uint8Array(buffer, 0, length);
  }
  let bytes = new Uint8Array(buffer);
  for await (const chunk of chunksOf(source)) {
    if (length + chunk.length > bytes.length) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, length + chunk.length));
      grown.set(bytes.subarray(0, length));
      bytes = grown;
    }
    bytes.set(chunk, length);
    length += chunk.length;
  }
  return bytes.subarray(0, length);
}

export interface StreamAnalysis {
  /** Total bytes read. */
  size: number;
  /** Lowercase hex SHA-256 of the whole stream. */
  sha256: string;
  sniffed: SniffResult;
  /** The Content-Type the uploader sent, as passed in. */
  claimedType?: string;
  /** True when the claimed type contradicts what the bytes are (see {@link isTypeMismatch}). */
  mismatch: boolean;
}

export interface AnalyzeStreamOptions {
  /** The Content-Type the uploader claimed; parameters like `; charset=utf-8` are ignored. */
  claimedType?: string;
  /** Bytes kept for sniffing, 4096 to 65536. Default {@link SNIFF_HEAD_BYTES}. */
  headBytes?: number;
  /** Stop and throw ProcessorError("too_large") past this many bytes. Default: no limit. */
  maxBytes?: number;
}

/**
 * Reads a stream once, hashing it and keeping only its first few KiB for sniffing, so memory stays flat
 * whatever the file size. Compares the sniffed type with the claimed one.
 *
 * @example
 * const res = await fetch(url);
 * const a = await analyzeAnyStream(res.body!, { claimedType: res.headers.get("content-type") ?? undefined });
 * if (a.mismatch) console.warn(`claimed ${a.claimedType}, is ${a.sniffed.mime}`);
 */
export async function analyzeAnyStream(
  source: ByteSource,
  options: AnalyzeStreamOptions = {},
): Promise<StreamAnalysis> {
  const headLimit = Math.min(65536, Math.max(4096, options.headBytes ?? SNIFF_HEAD_BYTES));
  const head = new Uint8Array(headLimit);
  let headLength = 0;
  let size = 0;
  const hash = createHash("sha256");
  for await (const chunk of chunksOf(source)) {
    size += chunk.length;
    if (options.maxBytes !== undefined && size > options.maxBytes) {
      throw new ProcessorError("too_large", `stream exceeds ${options.maxBytes} bytes`);
    }
    hash.update(chunk);
    if (headLength < headLimit) {
      const take = chunk.subarray(0, headLimit - headLength);
      head.set(take, headLength);
      headLength += take.length;
    }
  }
  const sniffed = sniffType(head.subarray(0, headLength), { complete: size === headLength });
  const result: StreamAnalysis = {
    size,
    sha256: hash.digest("hex"),
    sniffed,
    mismatch: isTypeMismatch(options.claimedType, sniffed.mime),
  };
  if (options.claimedType !== undefined) result.claimedType = options.claimedType;
  return result;
}

/** Alternative spellings browsers and OSes send for the types `sniffType` returns. */
const ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "image/x-png": "image/png",
  "image/vnd.microsoft.icon": "image/x-icon",
  "image/heic-sequence": "image/heic",
  "image/heif-sequence": "image/heif",
  "image/x-ms-bmp": "image/bmp",
  "audio/x-wav": "audio/wav",
  "audio/wave": "audio/wav",
  "audio/vnd.wave": "audio/wav",
  "audio/mp3": "audio/mpeg",
  "audio/x-flac": "audio/flac",
  "audio/x-aac": "audio/aac",
  "application/x-zip-compressed": "application/zip",
  "application/x-gzip": "application/gzip",
  "application/x-sqlite3": "application/vnd.sqlite3",
  "application/x-msdownload": "application/vnd.microsoft.portable-executable",
  "application/x-msdos-program": "application/vnd.microsoft.portable-executable",
  "text/xml": "application/xml",
  "application/x-tar": "application/x-tar",
};

/** Types that are one container under different names; a claim of one is fair for bytes of another. */
const FAMILIES: readonly (readonly string[])[] = [
  ["video/mp4", "audio/mp4", "video/quicktime", "video/3gpp", "video/x-m4v", "audio/x-m4a"],
  ["image/heic", "image/heif"],
  ["video/webm", "audio/webm", "video/x-matroska", "audio/x-matroska"],
  ["application/ogg", "audio/ogg", "video/ogg", "audio/opus"],
  ["application/vnd.microsoft.portable-executable", "application/x-dosexec"],
];

/** Sniffed types whose bytes are ZIP: a claim of any ZIP-based format fits them, and vice versa. */
const ZIP_BASED =
  /^application\/(zip|java-archive|epub\+zip|vnd\.openxmlformats-officedocument\..+|vnd\.oasis\.opendocument\..+|vnd\.android\.package-archive)$/;

function normalize(type: string): string {
  const bare = type.split(";")[0]?.trim().toLowerCase() ?? "";
  return ALIASES[bare] ?? bare;
}

function isTexty(type: string): boolean {
  return (
    type.startsWith("text/") ||
    /^application\/(json|.*\+json|x-ndjson|xml|.*\+xml|javascript|x-javascript|ecmascript|x-sh|x-yaml|yaml|sql|rtf)$/.test(
      type,
    ) ||
    type === "image/svg+xml"
  );
}

/**
 * Whether a claimed Content-Type contradicts the sniffed one. Lenient where sniffing is a guess
 * (one text type for another, one ZIP-based format for another, generic claims like octet-stream) and
 * strict where it is a signature (an "image/jpeg" that is PNG or HTML). Unknown bytes contradict a claim
 * only when the claimed format is one the sniffer would have recognised.
 *
 * @example isTypeMismatch("image/jpeg", "image/png") // true
 * @example isTypeMismatch("text/markdown; charset=utf-8", "text/plain") // false
 */
export function isTypeMismatch(claimed: string | undefined, sniffed: string): boolean {
  if (claimed === undefined) return false;
  const c = normalize(claimed);
  const s = normalize(sniffed);
  if (c === "" || c === "application/octet-stream" || c === "binary/octet-stream" || c === s) return false;
  if (FAMILIES.some((f) => f.includes(c) && f.includes(s))) return false;
  if (ZIP_BASED.test(c) && ZIP_BASED.test(s) && (c === "application/zip" || s === "application/zip"))
    return false;
  if (isTexty(c) && isTexty(s) && s !== "image/svg+xml" && s !== "text/html") return false;
  if (s === "application/octet-stream") return RECOGNISED.has(c) || isTexty(c);
  return true;
}

/** Claimed types the sniffer has a signature for, so "unknown bytes" under such a claim is a mismatch. */
const RECOGNISED = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/heic",
  "image/heif",
  "image/tiff",
  "image/bmp",
  "image/x-icon",
  "application/pdf",
  "application/zip",
  "application/gzip",
  "application/x-bzip2",
  "application/x-xz",
  "application/x-7z-compressed",
  "application/x-tar",
  "audio/mpeg",
  "audio/wav",
  "audio/flac",
  "video/mp4",
  "video/quicktime",
  "video/webm",
  "application/vnd.sqlite3",
  "application/wasm",
]);
