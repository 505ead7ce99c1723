import { readFileSync } from "node:fs";

/**
 * The exports of dist/csv/kernel.wasm, compiled by `asc` from assembly/csv-kernel.ts: the row loop
 * and per-column statistics of the CSV accumulator. Pointers are byte offsets into `memory`.
 */
export interface CsvKernel {
  memory: WebAssembly.Memory;
  reset(): void;
  init(delimiter: number, quote: number, header: number): void;
  setColumns(n: number): void;
  input(cap: number): number;
  parse(from: number, len: number, final: number): number;
  flush(): void;
  wantExamples(n: number): void;
  addLineBreaks(n: number): void;
  addRows(n: number): void;
  getNcols(): number;
  getRows(): number;
  getLineBreaks(): number;
  getInvalidUtf8(): number;
  getPendingBreaks(): number;
  getStatus(): number;
  getHeaderFields(): number;
  getFieldStarts(): number;
  getFieldEnds(): number;
  getFieldFlags(): number;
  getColFreq(): number;
  getColFreqSize(): number;
  getColFreqOffset(): number;
  getFreqLayout(): number;
  getMalformed(): number;
  getExamples(): number;
  getExampleCount(): number;
  getColNulls(): number;
  getColKinds(): number;
  getColMoments(): number;
  getColHist(i: number): number;
  getColHll(): number;
}

/** `parse` returned: everything parsed, or the header row parsed. */
export const STATUS_DONE = 0;
export const STATUS_HEADER = 1;

let compiled: WebAssembly.Module | null = null;
const latin1 = new TextDecoder("latin1");

/**
 * The compiled kernel, from this package's dist/csv/kernel.wasm (both src/csv/ and dist/csv/ are
 * two levels below the package root, so the sources find the built file too, like the worker).
 */
function kernelModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const url = new URL("../../dist/csv/kernel.wasm", import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(url);
  } catch (e) {
    throw new Error(
      `@repo/processors/csv: ${url.pathname} is missing; build the package (pnpm --filter @repo/processors build)`,
      { cause: e },
    );
  }
  compiled = new WebAssembly.Module(new Uint8Array(bytes));
  return compiled;
}

/** Kernels of finished accumulators of this thread, see {@link releaseKernel}. */
const spare: CsvKernel[] = [];

/**
 * A kernel for one accumulator: a recycled one (reset) or a new instance with its own memory.
 * Workers make an accumulator per piece of a file; reusing instances spares them a memory each.
 */
export function createKernel(): CsvKernel {
  const reused = spare.pop();
  if (reused) {
    reused.reset();
    return reused;
  }
  return instantiate();
}

/** Gives a kernel back for reuse; its accumulator must not touch it afterwards. */
export function releaseKernel(k: CsvKernel): void {
  if (spare.length < 4) spare.push(k);
}

function instantiate(): CsvKernel {
  let memory: WebAssembly.Memory | null = null;
  const instance = new WebAssembly.Instance(kernelModule(), {
    "csv-kernel": {
      // Numbers the kernel does not parse itself (over 15 digits, exponents): exactly as Number().
      parseNumber: (start: number, end: number) =>
        Number(latin1.decode(new Uint8Array((memory as WebAssembly.Memory).buffer, start, end - start))),
    },
    env: {
      abort: () => {
        throw new Error("@repo/processors/csv: the CSV kernel aborted");
      },
    },
  });
  const k = instance.exports as unknown as CsvKernel;
  memory = k.memory;
  return k;
}
