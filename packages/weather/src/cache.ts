import type { Units } from "./open-meteo.ts";

export interface CacheOptions {
  /** Most entries kept; the least recently used goes first. Default 500. */
  maxEntries?: number;
  /** How long a value is served without asking upstream. Default 10 minutes. */
  ttlMs?: number;
  /**
   * How old (since it was fetched) a value may be and still be served when a refresh FAILS.
   * Default 1 hour. Weather from 50 minutes ago beats an error page.
   */
  staleIfErrorMs?: number;
  /** Clock in epoch milliseconds. Default Date.now; tests pass a fake. */
  now?: () => number;
}

export interface CacheResult<T> {
  value: T;
  /** True when no upstream call was made for this result (fresh hit or stale fallback). */
  cached: boolean;
  /** True when the value is past its TTL and served only because the refresh failed. */
  stale: boolean;
  /** When the value was really fetched upstream. */
  fetchedAt: Date;
  /** Why a stale value was served; only set when `stale` is true. */
  error?: unknown;
}

export const DEFAULT_CACHE_TTL_MS = 10 * 60_000;
export const DEFAULT_STALE_IF_ERROR_MS = 60 * 60_000;
export const DEFAULT_MAX_ENTRIES = 500;

/** One key's value, and its place in the recency list (newer toward `newer`). */
interface Entry<T> {
  key: string;
  value: T;
  fetchedAt: number;
  older: Entry<T> | null;
  newer: Entry<T> | null;
}

/**
 * A per-instance LRU cache with single-flight loads and stale-if-error. It lives as long as the
 * serverless instance (a module-level `new LruCache()`), so it only absorbs repeats that reach the
 * same warm instance; the CDN (`cdnCacheControl`) is the shared layer in front of it.
 *
 * @example
 * const cache = new LruCache<Forecast>({ ttlMs: 600_000 });
 * const { value, cached, stale, fetchedAt } = await cache.get(key, () => loadForecast());
 */
export class LruCache<T> {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly staleIfErrorMs: number;
  readonly #now: () => number;
  /**
   * The entries by key, and a doubly linked list through them from least to most recently used. A
   * hit moves its entry to the newest end by relinking it; the Map changes only when a key comes
   * or goes. (Re-inserting the key on every hit, the usual Map idiom, makes the Map rebuild its
   * table every few hits, and each table, held by a Map that lives as long as the instance, was
   * promoted out of the young generation: a quarter of what cached weather promoted under load,
   * issue 15.)
   */
  readonly #entries = new Map<string, Entry<T>>();
  #oldest: Entry<T> | null = null;
  #newest: Entry<T> | null = null;
  readonly #inflight = new Map<string, Promise<CacheResult<T>>>();

  constructor(options: CacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    this.staleIfErrorMs = options.staleIfErrorMs ?? DEFAULT_STALE_IF_ERROR_MS;
    this.#now = options.now ?? (() => Date.now());
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${this.maxEntries}`);
    }
    if (!(this.ttlMs >= 0) || !(this.staleIfErrorMs >= 0)) {
      throw new RangeError("ttlMs and staleIfErrorMs must be >= 0");
    }
  }

  /** Entries held, fresh or stale. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The value for `key`: from cache while fresh, else from `load()`. Concurrent calls for one key
   * share a single `load()` (the callers that arrive during it get its result, `cached: false`).
   * If `load()` fails and a value at most `staleIfErrorMs` old exists, that value is returned with
   * `stale: true`; otherwise the error is rethrown to every waiting caller. Failures are not cached.
   */
  get(key: string, load: () => Promise<T>): Promise<CacheResult<T>> {
    const entry = this.#entries.get(key);
    if (entry && this.#now() - entry.fetchedAt < this.ttlMs) {
      this.#use(entry);
      return Promise.resolve({
        value: entry.value,
        cached: true,
        stale: false,
        fetchedAt: new Date(entry.fetchedAt),
      });
    }
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    const loading = this.#load(key, load).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, loading);
    return loading;
  }

  /** The entry without loading or touching it, fresh or not; undefined when absent. */
  peek(key: string): { value: T; fetchedAt: Date } | undefined {
    const entry = this.#entries.get(key);
    return entry && { value: entry.value, fetchedAt: new Date(entry.fetchedAt) };
  }

  /** Stores a value as fetched now, e.g. to warm the cache. */
  set(key: string, value: T): void {
    this.#store(key, value, this.#now());
  }

  delete(key: string): boolean {
    const entry = this.#entries.get(key);
    if (!entry) return false;
    this.#unlink(entry);
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#oldest = null;
    this.#newest = null;
  }

  async #load(key: string, load: () => Promise<T>): Promise<CacheResult<T>> {
    try {
      const value = await load();
      const fetchedAt = this.#now();
      this.#store(key, value, fetchedAt);
      return { value, cached: false, stale: false, fetchedAt: new Date(fetchedAt) };
    } catch (error) {
      const entry = this.#entries.get(key);
      if (entry && this.#now() - entry.fetchedAt <= this.staleIfErrorMs) {
        return { value: entry.value, cached: true, stale: true, fetchedAt: new Date(entry.fetchedAt), error };
      }
      // Too old to be useful even as a fallback: free the slot.
      if (entry) this.delete(key);
      throw error;
    }
  }

  /** A value for `key`, newest of all; past `maxEntries` the least recently used go. */
  #store(key: string, value: T, fetchedAt: number): void {
    const entry = this.#entries.get(key);
    if (entry) {
      entry.value = value;
      entry.fetchedAt = fetchedAt;
      this.#use(entry);
      return;
    }
    const added: Entry<T> = { key, value, fetchedAt, older: null, newer: null };
    this.#entries.set(key, added);
    this.#link(added);
    while (this.#entries.size > this.maxEntries && this.#oldest) this.delete(this.#oldest.key);
  }

  /** Moves an entry to the newest end. */
  #use(entry: Entry<T>): void {
    if (this.#newest === entry) return;
    this.#unlink(entry);
    this.#link(entry);
  }

  #link(entry: Entry<T>): void {
    entry.older = this.#newest;
    entry.newer = null;
    if (this.#newest) this.#newest.newer = entry;
    else this.#oldest = entry;
    this.#newest = entry;
  }

  #unlink(entry: Entry<T>): void {
    if (entry.older) entry.older.newer = entry.newer;
    else if (this.#oldest === entry) this.#oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else if (this.#newest === entry) this.#newest = entry.older;
    entry.older = null;
    entry.newer = null;
  }
}

/**
 * Rounds a coordinate to `decimals` places (2 ≈ 1.1 km of latitude), never yielding "-0".
 *
 * @example roundCoordinate(42.72517) // 42.73
 */
export function roundCoordinate(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return rounded === 0 ? 0 : rounded;
}

export interface CacheKeyParts {
  latitude: number;
  longitude: number;
  units: Units;
  days: number;
  hours: number;
}

/**
 * The cache key of a forecast request. Coordinates are rounded to 2 decimals (about 1 km): ZIP codes
 * and nearby requests share an entry, and forecast models are coarser than that anyway. Fetch with the
 * same rounded coordinates so that the key fully describes the request.
 *
 * @example cacheKey({ latitude: 42.7251, longitude: -84.4791, units: "imperial", days: 7, hours: 24 })
 * // "forecast:42.73,-84.48:imperial:d7:h24"
 */
export function cacheKey(parts: CacheKeyParts): string {
  const lat = roundCoordinate(parts.latitude).toFixed(2);
  const lon = roundCoordinate(parts.longitude).toFixed(2);
  return `forecast:${lat},${lon}:${parts.units}:d${parts.days}:h${parts.hours}`;
}

/**
 * The `Cache-Control` for a weather answer, derived from the same TTLs as the instance cache: the CDN
 * keeps it fresh for `ttlMs` and may serve it stale while revalidating until it is `staleIfErrorMs`
 * old in total.
 *
 * @example cdnCacheControl() // "public, s-maxage=600, stale-while-revalidate=3000"
 */
export function cdnCacheControl(options: { ttlMs?: number; staleIfErrorMs?: number } = {}): string {
  const ttl = Math.floor((options.ttlMs ?? DEFAULT_CACHE_TTL_MS) / 1000);
  const total = Math.floor((options.staleIfErrorMs ?? DEFAULT_STALE_IF_ERROR_MS) / 1000);
  return `public, s-maxage=${ttl}, stale-while-revalidate=${Math.max(0, total - ttl)}`;
}
