import type { CsvPartial } from "./accumulator.ts";
import { mergeCsvPartialsInto } from "./summary.ts";

/**
 * Merges the partial results of numbered pieces in file order, whatever order they finish in: a
 * piece waits until every piece before it is merged (line numbers and examples depend on order).
 */
export class OrderedMerge {
  /** Pieces merged so far: the next one expected. */
  done = 0;
  private merged: CsvPartial | null = null;
  private readonly waiting = new Map<number, CsvPartial>();

  add(index: number, partial: CsvPartial): void {
    this.waiting.set(index, partial);
    for (let p = this.waiting.get(this.done); p; p = this.waiting.get(this.done)) {
      this.waiting.delete(this.done++);
      this.merged = this.merged ? mergeCsvPartialsInto(this.merged, p) : p;
    }
  }

  /** The merge of pieces 0 … done − 1, or null before the first. */
  result(): CsvPartial | null {
    return this.merged;
  }
}

/** One waiter woken by the next event (a worker's message, an abort). */
export class Wakeup {
  private waiter: (() => void) | null = null;

  /** Wakes the waiter, if any. An arrow: it is passed around as a listener. */
  readonly notify = (): void => {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  };

  wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiter = resolve;
    });
  }
}
