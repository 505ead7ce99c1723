import { describe, expect, it } from "vitest";
import { EMPTY_EXIF, parseExif } from "./image-exif.ts";

type Entry = { tag: number; type: 2 | 3 | 4 | 5; values: string | number[] | [number, number][] };

/**
 * Builds a TIFF/EXIF block by hand: IFD0 with a pointer to an Exif IFD and a GPS IFD, out-of-line
 * values after each directory. Lets the reader be tested in both byte orders, independent of libvips.
 */
function buildTiff(little: boolean, ifd0: Entry[], exif: Entry[], gps: Entry[], prefix = true): Uint8Array {
  const bytes = new Uint8Array(4096);
  const view = new DataView(bytes.buffer);
  bytes.set(little ? [0x49, 0x49] : [0x4d, 0x4d]);
  view.setUint16(2, 42, little);
  view.setUint32(4, 8, little);
  let free = 8;
  const writeIfd = (entries: Entry[]): number => {
    const at = free;
    view.setUint16(at, entries.length, little);
    let data = at + 2 + entries.length * 12 + 4;
    entries.forEach((e, i) => {
      const p = at + 2 + i * 12;
      view.setUint16(p, e.tag, little);
      view.setUint16(p + 2, e.type, little);
      let payload: number[] = [];
      if (typeof e.values === "string") payload = [...Buffer.from(`${e.values}\0`, "latin1")];
      else if (e.type === 5) {
        for (const [n, d] of e.values as [number, number][]) {
          const b = new DataView(new ArrayBuffer(8));
          b.setUint32(0, n, little);
          b.setUint32(4, d, little);
          payload.push(...new Uint8Array(b.buffer));
        }
      } else {
        const size = e.type === 3 ? 2 : 4;
        for (const v of e.values as number[]) {
          const b = new DataView(new ArrayBuffer(size));
          if (size === 2) b.setUint16(0, v, little);
          else b.setUint32(0, v, little);
          payload.push(...new Uint8Array(b.buffer));
        }
      }
      const count = typeof e.values === "string" ? payload.length : e.values.length;
      view.setUint32(p + 4, count, little);
      if (payload.length <= 4) bytes.set(payload, p + 8);
      else {
        view.setUint32(p + 8, data, little);
        bytes.set(payload, data);
        data += payload.length + (payload.length % 2);
      }
    });
    free = data;
    return at;
  };
  // IFD0 pointers are patched after the sub-IFDs are placed.
  const ifd0At = writeIfd([
    ...ifd0,
    { tag: 0x8769, type: 4, values: [0] },
    { tag: 0x8825, type: 4, values: [0] },
  ]);
  const exifAt = writeIfd(exif);
  const gpsAt = writeIfd(gps);
  const pointerEntry = (index: number) => ifd0At + 2 + index * 12 + 8;
  view.setUint32(pointerEntry(ifd0.length), exifAt, little);
  view.setUint32(pointerEntry(ifd0.length + 1), gpsAt, little);
  const tiff = bytes.subarray(0, free);
  return prefix ? new Uint8Array([...Buffer.from("Exif\0\0", "latin1"), ...tiff]) : tiff;
}

const camera = {
  ifd0: [
    { tag: 0x010f, type: 2, values: "NIKON CORPORATION" },
    { tag: 0x0110, type: 2, values: "NIKON Z 6" },
  ] satisfies Entry[],
  exif: [
    { tag: 0x829a, type: 5, values: [[1, 250]] },
    { tag: 0x829d, type: 5, values: [[40, 10]] },
    { tag: 0x8827, type: 3, values: [800] },
    { tag: 0x9003, type: 2, values: "2023:12:31 23:59:58" },
    { tag: 0x9011, type: 2, values: "+01:00" },
    { tag: 0x920a, type: 5, values: [[35, 1]] },
    { tag: 0xa434, type: 2, values: "NIKKOR Z 35mm f/1.8 S" },
  ] satisfies Entry[],
  gps: [
    { tag: 1, type: 2, values: "N" },
    {
      tag: 2,
      type: 5,
      values: [
        [48, 1],
        [51, 1],
        [2400, 100],
      ],
    },
    { tag: 3, type: 2, values: "W" },
    {
      tag: 4,
      type: 5,
      values: [
        [2, 1],
        [21, 1],
        [0, 1],
      ],
    },
  ] satisfies Entry[],
};

describe("parseExif", () => {
  for (const little of [true, false]) {
    it(`reads camera, exposure and GPS fields (${little ? "little" : "big"}-endian)`, () => {
      const exif = parseExif(buildTiff(little, camera.ifd0, camera.exif, camera.gps));
      expect(exif).toEqual({
        make: "NIKON CORPORATION",
        model: "NIKON Z 6",
        lensModel: "NIKKOR Z 35mm f/1.8 S",
        dateTimeOriginal: "2023-12-31T23:59:58+01:00",
        exposureTime: 0.004,
        fNumber: 4,
        iso: 800,
        focalLength: 35,
        gps: { latitude: 48 + 51 / 60 + 24 / 3600, longitude: -(2 + 21 / 60) },
      });
    });
  }

  it("reads a bare TIFF header without the Exif prefix", () => {
    expect(parseExif(buildTiff(true, camera.ifd0, [], [], false)).make).toBe("NIKON CORPORATION");
  });

  it("omits gps without both coordinates, and nulls a zero date and a zero denominator", () => {
    const exif = parseExif(
      buildTiff(
        true,
        [],
        [
          { tag: 0x9003, type: 2, values: "0000:00:00 00:00:00" },
          { tag: 0x829d, type: 5, values: [[28, 0]] },
        ],
        [
          { tag: 1, type: 2, values: "N" },
          {
            tag: 2,
            type: 5,
            values: [
              [10, 1],
              [0, 1],
              [0, 1],
            ],
          },
        ],
      ),
    );
    expect(exif).toEqual(EMPTY_EXIF);
    expect("gps" in exif).toBe(false);
  });

  it("returns nulls, without throwing, for missing, garbage and truncated blocks", () => {
    expect(parseExif(undefined)).toEqual(EMPTY_EXIF);
    expect(parseExif(new Uint8Array(3))).toEqual(EMPTY_EXIF);
    expect(parseExif(Buffer.from("Exif\0\0not a tiff header"))).toEqual(EMPTY_EXIF);
    const full = buildTiff(false, camera.ifd0, camera.exif, camera.gps);
    for (let cut = 0; cut < full.length; cut += 7) {
      expect(() => parseExif(full.subarray(0, cut))).not.toThrow();
    }
    // Offsets pointing far outside the block are skipped, not followed.
    const hostile = buildTiff(true, camera.ifd0, camera.exif, camera.gps);
    new DataView(hostile.buffer).setUint32(6 + 4, 0xfffffff0, true);
    expect(parseExif(hostile)).toEqual(EMPTY_EXIF);
  });
});
