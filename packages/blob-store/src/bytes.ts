/**
 * Bytes from streams, in one place for every reader that needs a body whole: the stores, their
 * contract suite and the local runtime's request bodies.
 */

/**
 * Joins chunks into one array of `size` bytes (their total, when not given).
 *
 * @example concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]) // Uint8Array [1, 2, 3]
 */
export function concatBytes(
  chunks: readonly Uint8Array[],
  size = chunks.reduce((total, chunk) => total + chunk.byteLength, 0),
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export interface ReadBytesOptions {
  /** The most bytes to read: past it the stream is cancelled and `tooLarge()` is thrown. */
  limit?: number;
  /** The error for a stream past `limit`. Default: a RangeError. */
  tooLarge?: () => Error;
}

/**
 * Reads a whole stream into one array, up to an optional limit.
 *
 * @example const body = await readBytes(request.body, { limit: 4.5 * 1024 * 1024 });
 */
export async function readBytes(
  stream: ReadableStream<Uint8Array>,
  options: ReadBytesOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const { limit = Number.POSITIVE_INFINITY } = options;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw options.tooLarge?.() ?? new RangeError(`The stream is longer than ${limit} bytes.`);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}
