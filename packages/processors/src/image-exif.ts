/**
 * A small EXIF reader: walks the TIFF IFDs in the buffer sharp's `metadata().exif` returns and picks the
 * dozen camera fields the blob trigger shows. Written here rather than pulled in because it needs only
 * IFD0, the Exif sub-IFD and the GPS sub-IFD, and because it must never throw on hostile input: every
 * offset is bounds-checked and a malformed block just yields nulls.
 */

export interface ExifSummary {
  make: string | null;
  model: string | null;
  lensModel: string | null;
  /**
   * When the photo was taken, as `YYYY-MM-DDTHH:MM:SS` camera-local time, with the UTC offset appended
   * when the camera recorded one (OffsetTimeOriginal), e.g. `2024-05-06T07:08:09+02:00`.
   */
  dateTimeOriginal: string | null;
  /** Seconds, e.g. 0.005 for 1/200 s. */
  exposureTime: number | null;
  fNumber: number | null;
  iso: number | null;
  /** Millimetres (actual, not 35 mm equivalent). */
  focalLength: number | null;
  /** Decimal degrees, south and west negative; absent when the image has no GPS position. */
  gps?: { latitude: number; longitude: number };
}

export const EMPTY_EXIF: Readonly<ExifSummary> = Object.freeze({
  make: null,
  model: null,
  lensModel: null,
  dateTimeOriginal: null,
  exposureTime: null,
  fNumber: null,
  iso: null,
  focalLength: null,
});

const TAG = {
  make: 0x010f,
  model: 0x0110,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  exposureTime: 0x829a,
  fNumber: 0x829d,
  iso: 0x8827,
  dateTimeOriginal: 0x9003,
  offsetTimeOriginal: 0x9011,
  focalLength: 0x920a,
  lensModel: 0xa434,
  gpsLatitudeRef: 1,
  gpsLatitude: 2,
  gpsLongitudeRef: 3,
  gpsLongitude: 4,
} as const;

/** Bytes per component for the TIFF field types we may meet (1 BYTE … 12 DOUBLE). */
const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
};

type Value = string | number[];

class TiffReader {
  private readonly view: DataView;
  private readonly little: boolean;

  constructor(private readonly tiff: Uint8Array) {
    this.view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
    this.little = tiff[0] === 0x49;
  }

  get length(): number {
    return this.tiff.length;
  }

  u16(at: number): number {
    return this.view.getUint16(at, this.little);
  }

  u32(at: number): number {
    return this.view.getUint32(at, this.little);
  }

  /** Reads one IFD into tag → value; skips entries whose data would fall outside the buffer. */
  readIfd(offset: number): Map<number, Value> {
    const out = new Map<number, Value>();
    if (offset < 8 || offset + 2 > this.length) return out;
    const count = Math.min(this.u16(offset), 512);
    for (let i = 0; i < count; i++) {
      const entry = offset + 2 + i * 12;
      if (entry + 12 > this.length) break;
      const tag = this.u16(entry);
      const type = this.u16(entry + 2);
      const n = this.u32(entry + 4);
      const size = TYPE_SIZE[type];
      if (size === undefined || n > 1024) continue;
      const bytes = size * n;
      const at = bytes <= 4 ? entry + 8 : this.u32(entry + 8);
      if (at + bytes > this.length) continue;
      const value = this.readValue(type, n, at);
      if (value !== null) out.set(tag, value);
    }
    return out;
  }

  private readValue(type: number, n: number, at: number): Value | null {
    if (type === 2 || type === 7) {
      // ASCII, and UNDEFINED which some writers use for strings: trim at the first NUL.
      const raw = this.tiff.subarray(at, at + n);
      const end = raw.indexOf(0);
      const text = new TextDecoder("latin1").decode(end === -1 ? raw : raw.subarray(0, end)).trim();
      return text === "" ? null : text;
    }
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      switch (type) {
        case 1:
          values.push(this.view.getUint8(at + i));
          break;
        case 3:
          values.push(this.u16(at + i * 2));
          break;
        case 4:
          values.push(this.u32(at + i * 4));
          break;
        case 5: {
          const den = this.u32(at + i * 8 + 4);
          values.push(den === 0 ? Number.NaN : this.u32(at + i * 8) / den);
          break;
        }
        case 10: {
          const den = this.view.getInt32(at + i * 8 + 4, this.little);
          values.push(den === 0 ? Number.NaN : this.view.getInt32(at + i * 8, this.little) / den);
          break;
        }
        default:
          return null;
      }
    }
    return values;
  }
}

function text(ifd: Map<number, Value>, tag: number): string | null {
  const v = ifd.get(tag);
  return typeof v === "string" ? v : null;
}

function num(ifd: Map<number, Value>, tag: number): number | null {
  const v = ifd.get(tag);
  const first = Array.isArray(v) ? v[0] : undefined;
  return first !== undefined && Number.isFinite(first) ? first : null;
}

/** Degrees/minutes/seconds rationals plus an N/S or E/W reference → signed decimal degrees. */
function coordinate(ifd: Map<number, Value>, tag: number, refTag: number, max: number): number | null {
  const dms = ifd.get(tag);
  if (!Array.isArray(dms) || dms.length < 1 || !dms.every(Number.isFinite)) return null;
  const value = (dms[0] ?? 0) + (dms[1] ?? 0) / 60 + (dms[2] ?? 0) / 3600;
  if (value > max) return null;
  const ref = text(ifd, refTag)?.toUpperCase();
  return ref === "S" || ref === "W" ? -value : value;
}

/** "2024:05:06 07:08:09" → "2024-05-06T07:08:09"; null for the all-zero or blank values cameras write. */
function exifDate(raw: string | null, offset: string | null): string | null {
  const m = raw ? /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(raw) : null;
  if (!m || m[1] === "0000") return null;
  const zone = offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : "";
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}

/**
 * Parses an EXIF block: either sharp's `metadata().exif` (which starts with `Exif\0\0`) or a bare TIFF
 * header. Returns {@link EMPTY_EXIF}-shaped nulls for anything missing or unreadable; never throws.
 *
 * @example parseExif((await sharp(jpeg).metadata()).exif).make // "Canon"
 */
export function parseExif(block: Uint8Array | undefined | null): ExifSummary {
  if (!block || block.length < 8) return { ...EMPTY_EXIF };
  let tiff = block;
  if (block[0] === 0x45 && block[1] === 0x78 && block[2] === 0x69 && block[3] === 0x66)
    tiff = block.subarray(6);
  const order = ((tiff[0] ?? 0) << 8) | (tiff[1] ?? 0);
  if (tiff.length < 8 || (order !== 0x4949 && order !== 0x4d4d)) return { ...EMPTY_EXIF };
  try {
    const reader = new TiffReader(tiff);
    if (reader.u16(2) !== 42) return { ...EMPTY_EXIF };
    const ifd0 = reader.readIfd(reader.u32(4));
    const exifOffset = num(ifd0, TAG.exifIfd);
    const gpsOffset = num(ifd0, TAG.gpsIfd);
    const exif = exifOffset === null ? new Map<number, Value>() : reader.readIfd(exifOffset);
    const gpsIfd = gpsOffset === null ? new Map<number, Value>() : reader.readIfd(gpsOffset);
    const summary: ExifSummary = {
      make: text(ifd0, TAG.make),
      model: text(ifd0, TAG.model),
      lensModel: text(exif, TAG.lensModel),
      dateTimeOriginal: exifDate(text(exif, TAG.dateTimeOriginal), text(exif, TAG.offsetTimeOriginal)),
      exposureTime: num(exif, TAG.exposureTime),
      fNumber: num(exif, TAG.fNumber),
      iso: num(exif, TAG.iso),
      focalLength: num(exif, TAG.focalLength),
    };
    const latitude = coordinate(gpsIfd, TAG.gpsLatitude, TAG.gpsLatitudeRef, 90);
    const longitude = coordinate(gpsIfd, TAG.gpsLongitude, TAG.gpsLongitudeRef, 180);
    if (latitude !== null && longitude !== null) summary.gps = { latitude, longitude };
    return summary;
  } catch {
    // DataView throws RangeError on any read we failed to bound; treat the block as unreadable.
    return { ...EMPTY_EXIF };
  }
}
