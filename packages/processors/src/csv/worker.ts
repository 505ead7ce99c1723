/**
 * The worker_threads side of {@link analyzeCsvParallel} and {@link analyzeCsvFile}. Stream pieces
 * arrive as bytes, one accumulator per piece; a file job makes this thread read and parse pieces
 * of the file itself until the shared counter runs out. It is run from its compiled form,
 * dist/csv/worker.js, and imports only the accumulator.
 */
import { closeSync, openSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { Accumulator, type CsvPartial } from "./accumulator.ts";
import { type FilePieces, type PieceResult, parsePieces } from "./file-range.ts";
import type { PieceMessage, PieceReply } from "./parallel.ts";

/** A file job, and what the worker answers: a result per piece, then `done`, or an error. */
export interface FileJobMessage {
  pieces: FilePieces;
}
export interface FileJobReply {
  piece?: PieceResult;
  done?: boolean;
  error?: string;
}

const port = parentPort;
if (!port) throw new Error("@repo/processors/csv: worker.js runs in a worker thread");
const pieces = new Map<number, Accumulator>();

function transferables(partial: CsvPartial): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const c of partial.columnStats) {
    out.push(c.hll.buffer as ArrayBuffer);
    if (c.histogram) out.push(c.histogram.buffer as ArrayBuffer);
  }
  return out;
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

function runFile(job: FilePieces): void {
  let fd = -1;
  try {
    fd = openSync(job.path, "r");
    parsePieces(fd, job, (piece) => {
      const reply: FileJobReply = { piece };
      port?.postMessage(reply, transferables(piece.partial));
    });
    port?.postMessage({ done: true } satisfies FileJobReply);
  } catch (e) {
    port?.postMessage({ error: errorText(e) } satisfies FileJobReply);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

port.on("message", (m: PieceMessage | FileJobMessage) => {
  if ("pieces" in m) {
    runFile(m.pieces);
    return;
  }
  try {
    let acc = pieces.get(m.id);
    if (!acc) {
      acc = new Accumulator(m.options ?? {});
      pieces.set(m.id, acc);
    }
    acc.push(new Uint8Array(m.buffer, 0, m.length));
    // The buffer goes back for reuse.
    const transfer: ArrayBuffer[] = [m.buffer];
    const reply: PieceReply = { id: m.id, buffer: m.buffer };
    if (m.end) {
      pieces.delete(m.id);
      const partial = acc.finish();
      acc.recycle();
      transfer.push(...transferables(partial));
      reply.partial = partial;
    }
    port.postMessage(reply, transfer);
  } catch (e) {
    const reply: PieceReply = { id: m.id, error: errorText(e) };
    port.postMessage(reply);
  }
});
