import { readSync } from "node:fs";
import { Accumulator, type CsvOptions, type CsvPartial } from "./accumulator.ts";

/** What a thread reports for one piece of a file. */
export interface PieceResult {
  index: number;
  partial: CsvPartial;
  /** Whether the piece's rows ended exactly at its end, which confirms where the next one started. */
  clean: boolean;
  bytes: number;
}

/** The plan of a file cut into pieces, shared by every thread that parses them. */
export interface FilePieces {
  path: string;
  size: number;
  /** Nominal piece size; piece `i` starts at the first row after `i × pieceBytes`. */
  pieceBytes: number;
  count: number;
  first: CsvOptions;
  rest: CsvOptions;
  /** The next piece to take (a shared counter: threads take pieces as they finish others). */
  next: Int32Array;
}

/**
 * Where the search for the first row of piece `index` (> 0) begins: one byte before its nominal
 * offset, so that a line feed just before the offset makes the piece start exactly there. Pieces of
 * a file on disk and chunks of a blob (chunks.ts) are cut by this one rule.
 */
export function cutSearchFrom(index: number, pieceBytes: number): number {
  return index * pieceBytes - 1;
}

/**
 * Whether the rows of the piece ending with piece `last` ended exactly at its end: only then is the
 * next piece known to start at a row boundary (a cut inside a quoted field leaves a row unfinished).
 * The file's last piece always ends clean.
 */
export function endsClean(acc: Accumulator, last: number, count: number): boolean {
  return acc.settled() || last === count - 1;
}

/**
 * Where piece `index` starts: just past the first line feed at or after its nominal offset − 1, i.e.
 * at a row boundary unless that line feed is inside a quoted field (the previous piece then does not
 * end clean, and the caller parses the file otherwise); the file's size when there is none.
 */
export function pieceStart(fd: number, plan: FilePieces, index: number, buf: Uint8Array): number {
  if (index <= 0) return 0;
  if (index >= plan.count) return plan.size;
  let pos = cutSearchFrom(index, plan.pieceBytes);
  while (pos < plan.size) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, 64 * 1024, plan.size - pos), pos);
    if (n <= 0) break;
    const lf = buf.subarray(0, n).indexOf(10);
    if (lf >= 0) return pos + lf + 1;
    pos += n;
  }
  return plan.size;
}

/**
 * Takes pieces of the file from the shared counter and parses them until none is left, reporting
 * each. The same loop runs in the worker threads and in the calling thread; `stop` lets the calling
 * thread yield between pieces.
 */
export function parsePieces(
  fd: number,
  plan: FilePieces,
  report: (r: PieceResult) => void,
  stop: () => boolean = () => false,
): void {
  const buf = new Uint8Array(1 << 20);
  while (!stop()) {
    const index = Atomics.add(plan.next, 0, 1);
    if (index >= plan.count) return;
    const start = pieceStart(fd, plan, index, buf);
    const end = Math.max(start, pieceStart(fd, plan, index + 1, buf));
    const acc = new Accumulator(index === 0 ? plan.first : plan.rest);
    for (let pos = start; pos < end; ) {
      const want = Math.min(buf.length, end - pos);
      // Read into the parser's memory (after a first push, which settles a BOM and the header).
      const n =
        pos === start
          ? readSync(fd, buf, 0, want, pos)
          : acc.pushFrom(want, (into) => readSync(fd, into, 0, want, pos));
      if (n <= 0) throw new Error(`${plan.path} is shorter than ${plan.size} bytes: changed while read`);
      if (pos === start) acc.push(buf.subarray(0, n));
      pos += n;
    }
    const clean = endsClean(acc, index, plan.count);
    const partial = acc.finish();
    acc.recycle();
    report({ index, partial, clean, bytes: end - start });
  }
}
