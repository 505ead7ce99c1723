import { forwardToNative } from "./lazy-native.ts";

/**
 * The `Request` a function receives, built without undici's `Request` constructor: that
 * constructor (URL parse, Headers fill, a body stream, an AbortSignal that follows another) cost
 * more CPU than the rest of an invocation together (issue 15's profile). The body is already whole
 * by the time a function runs (the platform reads it up to 4.5 MB first), so the common reads
 * (`url`, `method`, `headers`, `signal`, `bodyUsed`, and `text`/`json`/`arrayBuffer`/`bytes`) are
 * answered from fields. Any other use (`body`, `clone()`, `formData()`, `blob()`, `cache`, …) builds
 * the real Request once, from the same fields, and delegates to it from then on: since nothing about
 * the request is still in flight, that Request is exactly the one the runtime used to build up front.
 *
 * Its prototype chain ends in `Request.prototype`, so `instanceof Request` holds. undici's own brand
 * checks (in `fetch(request)` and `new Request(request)`) refuse anything undici did not build, so
 * `installRequestGlobals` gives the process a `Request` and a `fetch` that hand undici the real one.
 */

/** undici's Request, even when @hono/node-server has put its subclass in the global. */
const NativeRequest: typeof Request = (() => {
  let ctor: typeof Request = Request;
  while (!Object.hasOwn(ctor.prototype, "url")) ctor = Object.getPrototypeOf(ctor) as typeof Request;
  return ctor;
})();

const decoder = new TextDecoder();

/** undici's words for a second read of a body, so that a handler cannot tell the two apart. */
const bodyUnusable = () => new TypeError("Body is unusable: Body has already been read");

const materialise = Symbol("materialise");
const abortKey = Symbol("abort");

export interface FunctionRequestInit {
  url: string;
  method: string;
  /**
   * The request's headers, or what makes them when first read: most handlers never read a header,
   * and building a Headers from node's raw headers cost a few µs a request (issue 15).
   */
  headers: Headers | (() => Headers);
  /** The whole body, or null for none (an empty body is none, as for a GET). */
  body: Uint8Array<ArrayBuffer> | null;
}

/** The bytes' buffer, whole: single use, and the array is the runtime's own copy, so it is handed over. */
const ownBuffer = (bytes: Uint8Array<ArrayBuffer>): ArrayBuffer =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer
    : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

class FunctionRequest {
  readonly #url: string;
  readonly #method: string;
  #headers: Headers | (() => Headers);
  readonly #body: Uint8Array<ArrayBuffer> | null;
  #used = false;
  #controller: AbortController | undefined;
  #abortReason: unknown;
  #aborted = false;
  #real: Request | undefined;

  constructor(init: FunctionRequestInit) {
    this.#url = init.url;
    this.#method = init.method;
    this.#headers = init.headers;
    this.#body = init.body;
  }

  get url(): string {
    return this.#url;
  }
  get method(): string {
    return this.#method;
  }
  /** Built after materialising, the real Request copies these; both views start equal. */
  get headers(): Headers {
    const headers = this.#headers;
    if (typeof headers !== "function") return headers;
    this.#headers = headers();
    return this.#headers as Headers;
  }
  /** Made on first use: most handlers never look at it, and an AbortController is not free. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }
  get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : this.#used;
  }
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body === null) return null;
    return this[materialise]().body;
  }

  // Each read answers with one promise, settled already: the body is whole, and under Node 20's
  // AsyncLocalStorage every promise costs a hook (issue 15). A second read rejects, as undici's.
  text(): Promise<string> {
    if (this.#real) return this.#real.text();
    const bytes = this.#take();
    return bytes instanceof Error ? Promise.reject(bytes) : Promise.resolve(decoder.decode(bytes));
  }
  json(): Promise<unknown> {
    if (this.#real) return this.#real.json();
    const bytes = this.#take();
    if (bytes instanceof Error) return Promise.reject(bytes);
    try {
      return Promise.resolve(JSON.parse(decoder.decode(bytes)) as unknown);
    } catch (error) {
      return Promise.reject(error);
    }
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#real) return this.#real.arrayBuffer();
    const bytes = this.#take();
    return bytes instanceof Error ? Promise.reject(bytes) : Promise.resolve(ownBuffer(bytes));
  }
  bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#real) return this.#real.bytes() as Promise<Uint8Array<ArrayBuffer>>;
    const bytes = this.#take();
    return bytes instanceof Error ? Promise.reject(bytes) : Promise.resolve(new Uint8Array(ownBuffer(bytes)));
  }

  /** The body for a fast read, marking it used as undici does (synchronously, at the call). */
  #take(): Uint8Array<ArrayBuffer> | TypeError {
    if (this.#body === null) return new Uint8Array(0);
    if (this.#used) return bodyUnusable();
    this.#used = true;
    return this.#body;
  }

  /** Aborts `signal` now, or as soon as it is first read. */
  [abortKey](reason: unknown): void {
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  /** The real Request, built once; its body disturbed when a fast read already took it. */
  [materialise](): Request {
    if (this.#real) return this.#real;
    const real = new NativeRequest(this.#url, {
      method: this.#method,
      headers: this.headers,
      body: this.#body,
      signal: this.signal,
    });
    if (this.#used) void real.arrayBuffer().catch(() => {});
    this.#real = real;
    return real;
  }
}

// Every other member of Request.prototype goes to the real Request; `request.constructor` is Request.
forwardToNative(FunctionRequest, NativeRequest, (light) => light[materialise]());

let installed = false;

/**
 * Makes the global `new Request(request, init)` and `fetch(request, init)` accept a function's
 * request, as they accept a real one: a handler that forwards or copies its request works
 * unchanged. Once per process, after @hono/node-server has installed its globals (it replaces
 * `Request` with a subclass of its own; this one extends whatever is there).
 */
export function installRequestGlobals(): void {
  if (installed) return;
  installed = true;
  const Base = globalThis.Request;
  const unwrap = (input: Request | string | URL): Request | string | URL =>
    input instanceof FunctionRequest ? input[materialise]() : input;
  class RuntimeRequest extends Base {
    constructor(input: Request | string | URL, init?: RequestInit) {
      super(unwrap(input), init);
    }
    // Every Request, undici's or a function's, is a Request, as before any global was replaced.
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof NativeRequest;
    }
  }
  const baseFetch = globalThis.fetch;
  const runtimeFetch: typeof fetch = (input, init) => baseFetch(unwrap(input), init);
  Object.defineProperty(globalThis, "Request", { value: RuntimeRequest, writable: true, configurable: true });
  Object.defineProperty(globalThis, "fetch", { value: runtimeFetch, writable: true, configurable: true });
}

/** The Request a function receives, and the runtime's handle to abort its signal (maxDuration). */
export function createFunctionRequest(init: FunctionRequestInit): {
  request: Request;
  abort: (reason: unknown) => void;
} {
  const light = new FunctionRequest(init);
  return {
    request: light as unknown as Request,
    abort: (reason) => light[abortKey](reason),
  };
}
