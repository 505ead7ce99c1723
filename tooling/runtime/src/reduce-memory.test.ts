import { getHeapSpaceStatistics } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { reduceMemory } from "./reduce-memory.ts";

const MiB = 1024 * 1024;
const startedWithGc = typeof (globalThis as { gc?: unknown }).gc === "function";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MEMORY_REDUCING_V8 = Number(process.versions.v8.split(".")[0]) >= 12;
const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === "new_space");

/**
 * What a load leaves behind: ~100 MB of short-lived objects, enough of them alive across
 * scavenges to be promoted, with the young generation grown to its largest; all garbage on return.
 */
async function churn(): Promise<void> {
  let kept: { i: number; s: string }[][] = [];
  for (let round = 0; round < 40; round++) {
    const batch: { i: number; s: string }[] = [];
    for (let i = 0; i < 40_000; i++) batch.push({ i, s: `item ${round} ${i}` });
    kept.push(batch);
    // Yield so that scavenges run with the batches still referenced (they survive, get promoted).
    await sleep(0);
  }
  kept = [];
}

describe("reduceMemory", () => {
  it("gives the memory a load left behind back to the OS", { timeout: 30_000 }, async () => {
    await churn();
    const before = process.memoryUsage.rss();
    reduceMemory();
    // V8 11 (Node 20) unmaps the freed pages on a background thread, a moment later.
    let after = process.memoryUsage.rss();
    for (let i = 0; i < 50 && before - after < 40 * MiB; i++) {
      await sleep(100);
      after = process.memoryUsage.rss();
    }
    expect(Math.round((before - after) / MiB)).toBeGreaterThanOrEqual(40);
    // Node 24: the young generation is back to its smallest (1 MB). Node 20's plain full collection
    // shrinks it only once the allocation rate has dropped (as it has after 10 s idle, not here).
    if (MEMORY_REDUCING_V8)
      expect(newSpace()?.space_size ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(2 * MiB);
  });

  it("gives no code a gc function: neither the main context nor one made after", () => {
    reduceMemory();
    reduceMemory();
    if (!startedWithGc) expect(typeof (globalThis as { gc?: unknown }).gc).toBe("undefined");
    expect(runInNewContext("typeof gc")).toBe(startedWithGc ? "function" : "undefined");
  });
});
