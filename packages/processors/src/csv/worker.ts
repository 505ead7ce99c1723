/**
 * The worker_threads side of {@link analyzeCsvParallel}: one accumulator per piece of the file.
 * It is run from its compiled form, dist/csv/worker.js, and imports only the accumulator.
 */
import { parentPort } from "node:worker_threads";
import { type CsvAccumulator, createCsvAccumulator, recycleCsvAccumulator } from "./accumulator.js";
import type { PieceMessage, PieceReply } from "./parallel.js";

const port = parentPort;
if (!port) throw new Error("@repo/processors/csv: worker.js runs in a worker thread");
const pieces = new Map<number, CsvAccumulator>();

port.on("message", (m: PieceMessage) => {
  try {
    let acc = pieces.get(m.id);
    if (!acc) {
      acc = createCsvAccumulator(m.options ?? {});
      pieces.set(m.id, acc);
    }
    acc.push(new Uint8Array(m.buffer, 0, m.length));
    // The buffer goes back for reuse.
    const transfer: ArrayBuffer[] = [m.buffer];
    const reply: PieceReply = { id: m.id, buffer: m.buffer };
    if (m.end) {
      pieces.delete(m.id);
      const partial = acc.finish();
      recycleCsvAccumulator(acc);
      for (const c of partial.columnStats) {
        transfer.push(c.hll.buffer as ArrayBuffer);
        if (c.histogram) transfer.push(c.histogram.buffer as ArrayBuffer);
      }
      reply.partial = partial;
    }
    port.postMessage(reply, transfer);
  } catch (e) {
    const reply: PieceReply = { id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    port.postMessage(reply);
  }
});
