import { describe, expect, it, vi } from "vitest";
import { cacheKey, cdnCacheControl, LruCache, roundCoordinate } from "./cache.ts";

const MINUTE = 60_000;

/** A cache on a hand-driven clock. */
function setup(options: { maxEntries?: number } = {}) {
  let now = Date.UTC(2025, 7, 7, 17, 0);
  const cache = new LruCache<string>({
    ttlMs: 10 * MINUTE,
    staleIfErrorMs: 60 * MINUTE,
    now: () => now,
    ...options,
  });
  return {
    cache,
    advance: (ms: number) => {
      now += ms;
    },
    start: now,
  };
}

describe("LruCache.get", () => {
  it("loads once, then serves the fresh value with the original fetch time", async () => {
    const { cache, advance, start } = setup();
    const load = vi.fn(async () => "forecast");
    expect(await cache.get("k", load)).toEqual({
      value: "forecast",
      cached: false,
      stale: false,
      fetchedAt: new Date(start),
    });
    advance(9 * MINUTE);
    expect(await cache.get("k", load)).toEqual({
      value: "forecast",
      cached: true,
      stale: false,
      fetchedAt: new Date(start),
    });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("loads again once the TTL has passed", async () => {
    const { cache, advance, start } = setup();
    let n = 0;
    const load = vi.fn(async () => `v${++n}`);
    await cache.get("k", load);
    advance(10 * MINUTE);
    const second = await cache.get("k", load);
    expect(second).toMatchObject({ value: "v2", cached: false, stale: false });
    expect(second.fetchedAt).toEqual(new Date(start + 10 * MINUTE));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("shares one load among 10 concurrent callers", async () => {
    const { cache } = setup();
    let release: (value: string) => void = () => {};
    const load = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const gets = Array.from({ length: 10 }, () => cache.get("k", load));
    release("forecast");
    const results = await Promise.all(gets);
    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((r) => r.value))).toEqual(new Set(["forecast"]));
    expect(results.every((r) => !r.cached && !r.stale)).toBe(true);
    // And the next caller gets the stored value.
    expect((await cache.get("k", load)).cached).toBe(true);
  });

  it("shares one failure among concurrent callers and caches no failure", async () => {
    const { cache } = setup();
    const boom = new Error("upstream down");
    const failing = vi.fn(async () => {
      throw boom;
    });
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => cache.get("k", failing)));
    expect(failing).toHaveBeenCalledTimes(1);
    expect(settled.every((s) => s.status === "rejected" && s.reason === boom)).toBe(true);
    const ok = vi.fn(async () => "back");
    expect((await cache.get("k", ok)).value).toBe("back");
    expect(ok).toHaveBeenCalledTimes(1);
  });

  it("keys are independent", async () => {
    const { cache } = setup();
    const load = vi.fn(async () => "x");
    await Promise.all([cache.get("a", load), cache.get("b", load), cache.get("a", load)]);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("serves a stale value when the refresh fails within the stale-if-error window", async () => {
    const { cache, advance, start } = setup();
    await cache.get("k", async () => "old");
    advance(59 * MINUTE);
    const boom = new Error("503");
    const result = await cache.get("k", async () => {
      throw boom;
    });
    expect(result).toEqual({
      value: "old",
      cached: true,
      stale: true,
      fetchedAt: new Date(start),
      error: boom,
    });
  });

  it("rethrows once the stale value is older than the window, and forgets it", async () => {
    const { cache, advance } = setup();
    await cache.get("k", async () => "old");
    advance(60 * MINUTE + 1);
    const boom = new Error("503");
    await expect(
      cache.get("k", async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(cache.peek("k")).toBeUndefined();
  });

  it("evicts the least recently used entry beyond maxEntries", async () => {
    const { cache } = setup({ maxEntries: 3 });
    for (const key of ["a", "b", "c"]) await cache.get(key, async () => key);
    await cache.get("a", async () => "never"); // a fresh hit makes "a" recent
    await cache.get("d", async () => "d");
    expect(cache.size).toBe(3);
    expect(cache.peek("b")).toBeUndefined();
    expect(cache.peek("a")?.value).toBe("a");
    expect(cache.peek("c")?.value).toBe("c");
    expect(cache.peek("d")?.value).toBe("d");
  });

  it("keeps the same entries as a plain list in recency order, through any mix of hits, sets and deletes", async () => {
    const { cache } = setup({ maxEntries: 4 });
    // The model: keys from least to most recently used.
    let model: string[] = [];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 2000; step++) {
      const key = `k${random(7)}`;
      const op = random(4);
      if (op === 0) {
        cache.set(key, String(step));
        model = [...model.filter((k) => k !== key), key].slice(-4);
      } else if (op === 1) {
        expect(cache.delete(key)).toBe(model.includes(key));
        model = model.filter((k) => k !== key);
      } else {
        const { cached } = await cache.get(key, async () => String(step));
        expect(cached).toBe(model.includes(key));
        model = [...model.filter((k) => k !== key), key].slice(-4);
      }
      expect(cache.size).toBe(model.length);
      for (let i = 0; i < 7; i++) expect(cache.peek(`k${i}`) !== undefined).toBe(model.includes(`k${i}`));
    }
    cache.clear();
    expect(cache.size).toBe(0);
    cache.set("after", "1");
    expect(cache.peek("after")?.value).toBe("1");
  });

  it("holds 500 entries by default", async () => {
    const cache = new LruCache<number>();
    for (let i = 0; i < 501; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(500);
    expect(cache.peek("k0")).toBeUndefined();
  });

  it("refuses a nonsensical size", () => {
    expect(() => new LruCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});

describe("cacheKey", () => {
  const base = { units: "imperial" as const, days: 7, hours: 24 };

  it("rounds coordinates to 2 decimals", () => {
    expect(cacheKey({ latitude: 42.7251, longitude: -84.4791, ...base })).toBe(
      "forecast:42.73,-84.48:imperial:d7:h24",
    );
  });

  it("gives places about 1 km apart the same key, and different ranges or units different keys", () => {
    const a = cacheKey({ latitude: 42.7251, longitude: -84.4791, ...base });
    expect(cacheKey({ latitude: 42.7279, longitude: -84.4821, ...base })).toBe(a);
    expect(cacheKey({ latitude: 42.7251, longitude: -84.4791, ...base, units: "metric" })).not.toBe(a);
    expect(cacheKey({ latitude: 42.7251, longitude: -84.4791, ...base, days: 3 })).not.toBe(a);
    expect(cacheKey({ latitude: 42.7251, longitude: -84.4791, ...base, hours: 0 })).not.toBe(a);
  });

  it("never writes -0", () => {
    expect(cacheKey({ latitude: -0.001, longitude: -0.004, ...base })).toBe(
      "forecast:0.00,0.00:imperial:d7:h24",
    );
    expect(Object.is(roundCoordinate(-0.001), 0)).toBe(true);
  });
});

describe("cdnCacheControl", () => {
  it("derives the CDN header from the TTLs", () => {
    expect(cdnCacheControl()).toBe("public, s-maxage=600, stale-while-revalidate=3000");
    expect(cdnCacheControl({ ttlMs: 5 * MINUTE, staleIfErrorMs: 30 * MINUTE })).toBe(
      "public, s-maxage=300, stale-while-revalidate=1500",
    );
  });
});
