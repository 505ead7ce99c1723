import { describe, expect, it } from "vitest";
import { concatBytes, readBytes } from "./bytes.ts";

function streamOf(...chunks: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
      controller.close();
    },
  });
}

describe("concatBytes", () => {
  it("joins chunks in order, sized by their total", () => {
    expect(concatBytes([new Uint8Array([1]), new Uint8Array([]), new Uint8Array([2, 3])])).toEqual(
      new Uint8Array([1, 2, 3]),
    );
    expect(concatBytes([]).byteLength).toBe(0);
  });
});

describe("readBytes", () => {
  it("reads a stream whole", async () => {
    expect(await readBytes(streamOf([1, 2], [3], []))).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("reads up to the limit, and past it cancels the stream and throws the error given", async () => {
    expect(await readBytes(streamOf([1, 2], [3]), { limit: 3 })).toEqual(new Uint8Array([1, 2, 3]));
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(1024)),
      cancel: () => {
        cancelled = true;
      },
    });
    class TooBig extends Error {}
    await expect(readBytes(endless, { limit: 4096, tooLarge: () => new TooBig() })).rejects.toBeInstanceOf(
      TooBig,
    );
    expect(cancelled).toBe(true);
    await expect(readBytes(streamOf([1, 2, 3]), { limit: 2 })).rejects.toBeInstanceOf(RangeError);
  });
});
