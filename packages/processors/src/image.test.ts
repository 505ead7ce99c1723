import { execFile } from "node:child_process";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { analyzeImage, ProcessorError } from "./image.ts";
import { analyzeAnyStream } from "./sniff.ts";

/** Left half red, right half blue, as raw RGB. */
function halfRedHalfBlue(width: number, height: number): Buffer {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      if (x < width / 2) px[i] = 255;
      else px[i + 2] = 255;
    }
  }
  return px;
}

function solid(width: number, height: number, background: string, channels: 3 | 4 = 3) {
  return sharp({ create: { width, height, channels, background } });
}

async function expectProcessorError(promise: Promise<unknown>, code: ProcessorError["code"]): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProcessorError);
  expect((error as ProcessorError).code).toBe(code);
}

describe("analyzeImage", () => {
  it("reads a JPEG's orientation, camera EXIF and GPS, and auto-rotates the thumbnail", async () => {
    const jpeg = await solid(800, 400, "#336699")
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: "Canon", Model: "EOS R5" },
        IFD2: {
          ExposureTime: "1/200",
          FNumber: "28/10",
          FocalLength: "50/1",
          DateTimeOriginal: "2024:05:06 07:08:09",
          LensModel: "RF50mm F1.8 STM",
        },
        IFD3: {
          GPSLatitudeRef: "S",
          GPSLatitude: "33/1 51/1 3540/100",
          GPSLongitudeRef: "E",
          GPSLongitude: "151/1 12/1 3000/100",
        },
      })
      .toBuffer();
    const info = await analyzeImage(jpeg);
    expect(info).toMatchObject({
      format: "jpeg",
      width: 800,
      height: 400,
      orientation: 6,
      displayWidth: 400,
      displayHeight: 800,
      hasAlpha: false,
      animated: false,
      pages: 1,
      space: "srgb",
    });
    expect(info.exif).toMatchObject({
      make: "Canon",
      model: "EOS R5",
      lensModel: "RF50mm F1.8 STM",
      dateTimeOriginal: "2024-05-06T07:08:09",
      exposureTime: 0.005,
      fNumber: 2.8,
      focalLength: 50,
    });
    expect(info.exif.gps?.latitude).toBeCloseTo(-(33 + 51 / 60 + 35.4 / 3600), 6);
    expect(info.exif.gps?.longitude).toBeCloseTo(151 + 12 / 60 + 30 / 3600, 6);
    // Portrait after rotation: 800×400 stored, shown 400×800, fit inside 320².
    expect(info.thumbnail).toMatchObject({ width: 160, height: 320, contentType: "image/webp" });
    const thumbMeta = await sharp(info.thumbnail.data).metadata();
    expect(thumbMeta).toMatchObject({ format: "webp", width: 160, height: 320 });
    // The thumbnail drops EXIF, so no camera or GPS data leaks through it.
    expect(thumbMeta.exif).toBeUndefined();
    expect(info.dominantColors[0]?.hex).toMatch(/^#3[0-9a-f]6[0-9a-f]9[0-9a-f]$/);
  });

  it("leaves EXIF fields null when the image has none", async () => {
    const info = await analyzeImage(await solid(10, 10, "#fff").jpeg().toBuffer());
    expect(info.orientation).toBe(1);
    expect(info.exif).toEqual({
      make: null,
      model: null,
      lensModel: null,
      dateTimeOriginal: null,
      exposureTime: null,
      fNumber: null,
      iso: null,
      focalLength: null,
    });
  });

  it("finds red and blue at about half each in a half-red, half-blue image", async () => {
    const png = await sharp(halfRedHalfBlue(400, 200), { raw: { width: 400, height: 200, channels: 3 } })
      .png()
      .toBuffer();
    const info = await analyzeImage(png);
    const byHex = Object.fromEntries(info.dominantColors.map((c) => [c.hex, c.share]));
    expect(byHex["#ff0000"]).toBeCloseTo(0.5, 1);
    expect(byHex["#0000ff"]).toBeCloseTo(0.5, 1);
    expect(info.dominantColors.length).toBeLessThanOrEqual(5);
    expect(info.thumbnail).toMatchObject({ width: 320, height: 160 });
  });

  it("finds a plain red square covering 9.75 % of a picture with a noisy background", async () => {
    // The picture the palette once missed: 400×400 of random pixels (a texture, no colour of its
    // own) with a plain red 120×130 square, 15 600 of 160 000 pixels. Clusters of the noise used to
    // report about 10 % each and push the red out of the top five.
    const noise = Buffer.alloc(400 * 400 * 3);
    let seed = 1;
    for (let i = 0; i < noise.length; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      noise[i] = seed >>> 24;
    }
    const png = await sharp(noise, { raw: { width: 400, height: 400, channels: 3 } })
      .composite([{ input: await solid(120, 130, "#ff0000").png().toBuffer(), left: 200, top: 40 }])
      .png()
      .toBuffer();
    const info = await analyzeImage(png);
    expect(info.dominantColors[0]?.hex).toBe("#ff0000");
    expect(info.dominantColors[0]?.share).toBeCloseTo(0.0975, 2);
    // What is left is noise: no blend of it may claim more of the picture than the red.
    for (const c of info.dominantColors.slice(1)) expect(c.share).toBeLessThan(0.0975);
  });

  it("reports alpha in a PNG and ignores transparent pixels when counting colours", async () => {
    const png = await solid(100, 100, "rgba(0,0,0,0)", 4)
      .composite([{ input: await solid(50, 100, "#00ff00").png().toBuffer(), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const info = await analyzeImage(png);
    expect(info).toMatchObject({ format: "png", width: 100, height: 100, hasAlpha: true });
    expect(info.dominantColors).toEqual([{ hex: "#00ff00", share: 1 }]);
    expect((await sharp(info.thumbnail.data).metadata()).hasAlpha).toBe(true);
  });

  it("reads WebP, and does not enlarge a small image's thumbnail", async () => {
    const webp = await solid(120, 90, "#ffcc00").webp().toBuffer();
    const info = await analyzeImage(webp);
    expect(info).toMatchObject({ format: "webp", width: 120, height: 90 });
    expect(info.thumbnail).toMatchObject({ width: 120, height: 90 });
  });

  it("reads an animated GIF: one frame's size, the page count, a first-frame thumbnail", async () => {
    const red = await solid(40, 30, "#ff0000").png().toBuffer();
    const blue = await solid(40, 30, "#0000ff").png().toBuffer();
    const gif = await sharp([red, blue], { join: { animated: true } })
      .gif()
      .toBuffer();
    const info = await analyzeImage(gif);
    expect(info).toMatchObject({ format: "gif", width: 40, height: 30, animated: true, pages: 2 });
    expect(info.thumbnail).toMatchObject({ width: 40, height: 30 });
    expect(info.dominantColors[0]).toEqual({ hex: "#ff0000", share: 1 });
  });

  it("reads AVIF", async () => {
    const avif = await solid(64, 48, "#808080").avif().toBuffer();
    const info = await analyzeImage(avif);
    expect(info).toMatchObject({ format: "avif", width: 64, height: 48 });
    expect(info.thumbnail.width).toBe(64);
  });

  it("accepts a web ReadableStream and a Node stream", async () => {
    const png = await solid(30, 20, "#123456").png().toBuffer();
    const web = new Blob([new Uint8Array(png)]).stream();
    expect((await analyzeImage(web)).width).toBe(30);
    const node = Readable.from([png.subarray(0, 10), png.subarray(10)]);
    expect((await analyzeImage(node)).height).toBe(20);
  });

  it("throws corrupt for a truncated JPEG, a damaged header and zero bytes", async () => {
    const jpeg = await sharp(halfRedHalfBlue(256, 256), { raw: { width: 256, height: 256, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    await expectProcessorError(analyzeImage(jpeg.subarray(0, Math.floor(jpeg.length * 0.7))), "corrupt");
    await expectProcessorError(analyzeImage(jpeg.subarray(0, 200)), "corrupt");
    await expectProcessorError(analyzeImage(Buffer.alloc(0)), "corrupt");
    const png = await solid(50, 50, "#000").png().toBuffer();
    await expectProcessorError(analyzeImage(png.subarray(0, png.length - 20)), "corrupt");
  });

  it("throws unsupported for non-images and for image formats it does not decode", async () => {
    await expectProcessorError(analyzeImage(Buffer.from("just some text\n")), "unsupported");
    const tiff = await solid(10, 10, "#000").tiff().toBuffer();
    await expectProcessorError(analyzeImage(tiff), "unsupported");
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expectProcessorError(analyzeImage(svg), "unsupported");
  });

  it("throws too_large for a decompression bomb and for inputs over maxBytes", async () => {
    // A 2000×2000 flat PNG is a few KB on disk but 4 MP decoded; with a 1 MP cap it must be refused
    // from the header, before any pixels are decoded.
    const bomb = await solid(2000, 2000, "#000").png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(50_000);
    await expectProcessorError(analyzeImage(bomb, { maxPixels: 1_000_000 }), "too_large");
    await expectProcessorError(analyzeImage(bomb, { maxBytes: 1000 }), "too_large");
    await expectProcessorError(analyzeImage(Readable.from([bomb]), { maxBytes: 1000 }), "too_large");
  });

  it("a PNG uploaded as photo.jpg with image/jpeg is sniffed as PNG, with a mismatch", async () => {
    const png = await solid(20, 20, "#fff").png().toBuffer();
    const result = await analyzeAnyStream(Readable.from([png]), { claimedType: "image/jpeg" });
    expect(result.sniffed.mime).toBe("image/png");
    expect(result.mismatch).toBe(true);
    expect((await analyzeImage(png)).format).toBe("png");
  });
});

describe("loading sharp", () => {
  it("waits for the first image: a process that imports the module and analyses no image never loads it", async () => {
    const png = await solid(8, 8, "#ff0000").png().toBuffer();
    // The compiled module (pnpm test builds it first), in a fresh process that has loaded nothing yet.
    const image = fileURLToPath(new URL("../dist/image.js", import.meta.url));
    const script = `
      import { createRequire } from "node:module";
      const cache = createRequire(import.meta.url).cache;
      const loaded = () => Object.keys(cache).some((path) => /[\\\\/]sharp[\\\\/]/.test(path));
      const { analyzeImage } = await import(process.argv[1]);
      const before = loaded();
      const { width } = await analyzeImage(Buffer.from(process.argv[2], "base64"));
      console.log(JSON.stringify({ before, after: loaded(), width }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--input-type=module",
      "-e",
      script,
      image,
      png.toString("base64"),
    ]);
    expect(JSON.parse(stdout)).toEqual({ before: false, after: true, width: 8 });
  });
});
