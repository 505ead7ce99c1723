/** A ReadableStream that plays several streams one after the other, opening each only when needed. */
export function concatStreams(
  openers: Array<() => Promise<ReadableStream<Uint8Array>>>,
): ReadableStream<Uint8Array> {
  let index = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (reader === null) {
          const open = openers[index++];
          if (open === undefined) {
            controller.close();
            return;
          }
          reader = (await open()).getReader();
        }
        const { value, done } = await reader.read();
        if (!done) {
          controller.enqueue(value);
          return;
        }
        reader = null;
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason);
    },
  });
}
