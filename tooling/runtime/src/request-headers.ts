import { forwardToNative } from "./lazy-native.ts";

/**
 * A function request's `Headers`, answered from node's raw headers until something needs a real
 * one. Building a Headers (one validated `append` per header) was the largest part of reading one
 * header, which most POST handlers do (issue 15: `content-type`). `get` and `has` read the raw
 * pairs as a Headers would hold them (duplicates joined with ", ", cookies with "; ", the value
 * trimmed); anything else (iteration, `set`, `append`, `delete`, `getSetCookie`, …) and any
 * unusual name or value builds the real Headers once, from the same pairs, and delegates to it
 * from then on. Its prototype chain ends in `Headers.prototype`, so `instanceof Headers` holds,
 * and undici's Request and Response constructors take it as they take a real one (they iterate it).
 */

const real = Symbol("real");

/** The header names a Headers accepts (RFC 9110 tokens). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a Headers trims from a value's ends, and what it refuses inside one. */
const EDGE_WHITESPACE = /^[\t\n\r ]|[\t\n\r ]$/;
const FORBIDDEN_VALUE = /[\0\r\n]/;

class RequestHeaders {
  readonly #raw: readonly string[];
  #real: Headers | undefined;

  constructor(raw: readonly string[]) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    if (this.#real) return this.#real.get(name);
    const value = this.#lookup(name);
    return value === undefined ? this[real]().get(name) : value;
  }

  has(name: string): boolean {
    if (this.#real) return this.#real.has(name);
    const value = this.#lookup(name);
    return value === undefined ? this[real]().has(name) : value !== null;
  }

  /** The value a Headers would give, or undefined when only a real one may answer. */
  #lookup(name: string): string | null | undefined {
    if (typeof name !== "string" || !TOKEN.test(name)) return undefined;
    const lower = name.toLowerCase();
    const raw = this.#raw;
    let value: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      const rawName = raw[i] as string;
      if (rawName.length !== lower.length || rawName.toLowerCase() !== lower) continue;
      const rawValue = raw[i + 1] as string;
      if (EDGE_WHITESPACE.test(rawValue) || FORBIDDEN_VALUE.test(rawValue)) return undefined;
      value = value === null ? rawValue : value + (lower === "cookie" ? "; " : ", ") + rawValue;
    }
    return value;
  }

  /** The real Headers, built once from the raw pairs as `new Request` fills one. */
  [real](): Headers {
    if (!this.#real) {
      const headers = new NativeHeaders();
      const raw = this.#raw;
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
      this.#real = headers;
    }
    return this.#real;
  }
}

/** undici's Headers, even if something has replaced the global. */
const NativeHeaders: typeof Headers = (() => {
  let ctor: typeof Headers = Headers;
  while (!Object.hasOwn(ctor.prototype, "get")) ctor = Object.getPrototypeOf(ctor) as typeof Headers;
  return ctor;
})();

// Every other member of Headers.prototype (methods, getters and the iterator) goes to the real one.
forwardToNative(RequestHeaders, NativeHeaders, (light) => light[real]());

/**
 * The Headers of a request with these raw headers (node's `rawHeaders`: name, value, name, …).
 *
 * @example requestHeaders(req.rawHeaders).get("content-type") // "application/json"
 */
export function requestHeaders(raw: readonly string[]): Headers {
  return new RequestHeaders(raw) as unknown as Headers;
}
