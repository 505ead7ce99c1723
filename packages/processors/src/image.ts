/**
 * `@repo/processors/image`: what the blob trigger learns from an uploaded picture (format, size,
 * orientation, camera EXIF, main colours) plus a small WebP thumbnail, all through sharp/libvips.
 */
import type { SharpOptions } from "sharp";
import { type DominantColor, dominantColors } from "./image-colors.ts";
import { ProcessorError } from "./image-error.ts";
import { type ExifSummary, parseExif } from "./image-exif.ts";
import { type ByteSource, chunksOf } from "./sniff-stream.ts";
import { SNIFF_HEAD_BYTES, sniffType } from "./sniff-type.ts";

export type { DominantColor } from "./image-colors.ts";
export { ProcessorError } from "./image-error.ts";
export type { ExifSummary } from "./image-exif.ts";
export { parseExif } from "./image-exif.ts";

export type ImageFormat = "jpeg" | "png" | "webp" | "gif" | "avif";

/** Only these are decoded: each extra libvips loader (SVG, TIFF, PDF…) is more attack surface. */
const SUPPORTED: Record<string, ImageFormat> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/avif": "avif",
};

export interface AnalyzeImageOptions {
  /** Largest width × height decoded; bigger throws ProcessorError("too_large"). Default 100 megapixels. */
  maxPixels?: number;
  /** Largest input read from a stream or accepted as a buffer. Default 64 MiB. */
  maxBytes?: number;
  /** The thumbnail fits inside this many pixels square. Default 320. */
  thumbnailSize?: number;
  /** How many dominant colours to report at most. Default 5. */
  colors?: number;
}

export interface ImageThumbnail {
  data: Buffer;
  width: number;
  height: number;
  contentType: "image/webp";
}

export interface ImageAnalysis {
  format: ImageFormat;
  /** Input size in bytes. */
  bytes: number;
  /** Pixel dimensions as stored, before EXIF orientation (for animations, one frame). */
  width: number;
  height: number;
  /** EXIF orientation 1–8; 1 when the image has none. */
  orientation: number;
  /** Dimensions as a viewer shows them: width and height swap for orientations 5–8. */
  displayWidth: number;
  displayHeight: number;
  hasAlpha: boolean;
  /** More than one frame (GIF, animated WebP, AVIF sequence). */
  animated: boolean;
  pages: number;
  /** libvips colour space, e.g. "srgb", "b-w", "cmyk". */
  space: string | null;
  /** Dots per inch, when the file records it. */
  density: number | null;
  exif: ExifSummary;
  /** Up to `colors` colours, largest share first; shares (of opaque pixels) add up to 1 at most. */
  dominantColors: DominantColor[];
  /** First frame, auto-rotated, fit inside `thumbnailSize`², never enlarged; metadata (GPS!) stripped. */
  thumbnail: ImageThumbnail;
}

const DEFAULT_MAX_PIXELS = 100_000_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

type Sharp = typeof import("sharp");
let sharpModule: Promise<Sharp> | null = null;

/**
 * sharp, loaded on the first image: libvips and its bindings take ~19 MB of a process's memory, and
 * a worker that only analyses CSVs (a chunk step) never needs them (issue 13's memory breakdown).
 */
function loadSharp(): Promise<Sharp> {
  sharpModule ??= import("sharp").then((m) => m.default);
  return sharpModule.catch((error: unknown) => {
    sharpModule = null;
    throw error;
  });
}

/** Reads a buffer or a stream into one Buffer, refusing to grow past `maxBytes`. */
async function readInput(input: Uint8Array | ByteSource, maxBytes: number): Promise<Buffer> {
  if (input instanceof Uint8Array) {
    if (input.length > maxBytes) throw new ProcessorError("too_large", `input exceeds ${maxBytes} bytes`);
    return Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  }
  // libvips needs random access to the whole encoded file (sharp's own stream input buffers it too), so
  // the input is held once; what stays bounded is the decoded side, by maxPixels and shrink-on-load.
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunksOf(input)) {
    total += chunk.length;
    if (total > maxBytes) throw new ProcessorError("too_large", `input exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Turns whatever sharp threw into a ProcessorError; libvips reports everything as plain Error text. */
function toProcessorError(error: unknown): ProcessorError {
  if (error instanceof ProcessorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) return new ProcessorError("too_large", message, { cause: error });
  if (/unsupported image format/i.test(message)) {
    return new ProcessorError("unsupported", message, { cause: error });
  }
  return new ProcessorError("corrupt", message, { cause: error });
}

/**
 * Analyzes an image and makes its thumbnail. Accepts JPEG, PNG, WebP, GIF (first frame, with a page
 * count) and AVIF, identified by their bytes, not by any claimed type. Throws {@link ProcessorError}
 * for anything it cannot or will not decode; it does not crash on corrupt input.
 *
 * @param input - the whole file, or a stream of it
 * @example
 * const info = await analyzeImage(await readFile("photo.jpg"));
 * info.displayWidth; // 3000 for a 4000×3000 portrait shot with orientation 6
 * await put(`thumbs/${id}.webp`, info.thumbnail.data, { contentType: info.thumbnail.contentType });
 */
export async function analyzeImage(
  input: Uint8Array | ByteSource,
  options: AnalyzeImageOptions = {},
): Promise<ImageAnalysis> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = options.thumbnailSize ?? 320;
  const buffer = await readInput(input, maxBytes);
  if (buffer.length === 0) throw new ProcessorError("corrupt", "empty input (0 bytes)");

  const sniffed = sniffType(buffer.subarray(0, SNIFF_HEAD_BYTES), {
    complete: buffer.length <= SNIFF_HEAD_BYTES,
  });
  const format = SUPPORTED[sniffed.mime];
  if (!format) throw new ProcessorError("unsupported", `not a supported image: ${sniffed.description}`);

  // failOn "truncated": a cut-off upload must fail rather than decode as a grey-bottomed image, while the
  // harmless warnings many camera JPEGs carry (extraneous bytes, odd markers) do not reject the photo.
  const load: SharpOptions = { limitInputPixels: maxPixels, failOn: "truncated", sequentialRead: true };
  const sharp = await loadSharp();
  try {
    const meta = await sharp(buffer, load).metadata();
    const width = meta.width;
    const height = meta.pageHeight ?? meta.height;
    if (!width || !height) throw new ProcessorError("corrupt", "image has no dimensions");
    if (width * height > maxPixels) {
      throw new ProcessorError("too_large", `${width}×${height} exceeds ${maxPixels} pixels`);
    }
    const orientation =
      meta.orientation && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : 1;
    const swapped = orientation >= 5;
    const pages = meta.pages ?? 1;

    // Decode once: the oriented, downsized sRGB pixels feed both the WebP thumbnail and the colour count,
    // and JPEG shrink-on-load means a large photo is never held at full size.
    const { data: pixels, info } = await sharp(buffer, load)
      .autoOrient()
      .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    const thumb = await sharp(pixels, raw).webp({ quality: 80 }).toBuffer({ resolveWithObject: true });
    // Nearest-neighbour here: the thumbnail is already area-averaged, and a smoothing kernel would invent
    // in-between colours along every edge.
    const sample = await sharp(pixels, raw)
      .resize(64, 64, { fit: "fill", kernel: "nearest" })
      .ensureAlpha()
      .raw()
      .toBuffer();

    return {
      format,
      bytes: buffer.length,
      width,
      height,
      orientation,
      displayWidth: swapped ? height : width,
      displayHeight: swapped ? width : height,
      hasAlpha: meta.hasAlpha ?? false,
      animated: pages > 1,
      pages,
      space: meta.space ?? null,
      density: meta.density ?? null,
      exif: parseExif(meta.exif),
      dominantColors: dominantColors(sample, options.colors ?? 5),
      thumbnail: {
        data: thumb.data,
        width: thumb.info.width,
        height: thumb.info.height,
        contentType: "image/webp",
      },
    };
  } catch (error) {
    throw toProcessorError(error);
  }
}
