import type { IncomingMessage } from "node:http";
import { readBytes } from "@repo/blob-store/bytes";
import { watchDeadline } from "./deadlines.ts";
import { createFunctionRequest } from "./function-request.ts";
import { BodyTooLargeError, readIncomingBody } from "./incoming-body.ts";
import type { RequestHead } from "./incoming-head.ts";
import { BODY_LIMIT_BYTES, platformError } from "./platform-errors.ts";

export { BodyTooLargeError };

type FetchHandler = (request: Request) => unknown;

/** What a Vercel function module may export: one handler per method, or a default `{ fetch }`. */
export type FunctionModule = Record<string, unknown>;

const NO_BODY = new Set(["GET", "HEAD"]);

/** `default.fetch` handlers bound once per module object, not once per call. */
const boundFetch = new WeakMap<object, FetchHandler>();

/** The handler a module gives for a method, as Vercel's Node.js runtime picks it. */
export function pickHandler(mod: FunctionModule, method: string): FetchHandler | null {
  const named = mod[method];
  if (typeof named === "function") return named as FetchHandler;
  const fallback = mod.default;
  if (fallback && typeof fallback === "object" && "fetch" in fallback) {
    const fetchFn = (fallback as { fetch: unknown }).fetch;
    if (typeof fetchFn === "function") {
      let bound = boundFetch.get(fallback);
      if (!bound) {
        bound = (req) => fetchFn.call(fallback, req);
        boundFetch.set(fallback, bound);
      }
      return bound;
    }
  }
  if (typeof fallback === "function" && fallback.length <= 1) return fallback as FetchHandler;
  return null;
}

/** Reads a request body whole, as the platform does before it starts a function, up to a limit. */
export async function readBodyLimited(
  body: ReadableStream<Uint8Array> | null,
  limit = BODY_LIMIT_BYTES,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!body) return null;
  return readBytes(body, { limit, tooLarge: () => new BodyTooLargeError() });
}

export interface InvokeOptions {
  /** The URL the function sees, when routing changed it (a rewrite, dynamic segments). */
  url?: string;
  /** Seconds before the platform gives up on the function (vercel.json `maxDuration`). */
  maxDuration: number;
  bodyLimit?: number;
  /** Named in logs when the function throws or times out. */
  name: string;
  /**
   * The node:http request `request` came from, when it did: its body is read from here directly,
   * never through `request.body` (a web stream over it, which cost more than the read).
   */
  incoming?: IncomingMessage;
}

/** Called once, with the invocation's Response, or with an error no Response stands for. */
export type ResponseCallback = (error: unknown, response?: Response) => void;

/**
 * Runs one function invocation with the platform's rules around it: the body is read whole up to
 * 4.5 MB (413 past that), the handler gets a `Request` (function-request.ts: one built only as far
 * as the handler uses it), a throw becomes a 500 and a run past
 * `maxDuration` a 504, each in Vercel's form.
 */
export function invokeFunction(
  mod: FunctionModule,
  /** A `Request`, or the runtime's lighter head of a node:http request (incoming-head.ts). */
  request: RequestHead,
  options: InvokeOptions,
): Promise<Response> {
  return new Promise((resolve, reject) =>
    invokeWith(mod, request, options, (error, response) => (response ? resolve(response) : reject(error))),
  );
}

/**
 * invokeFunction for the runtime's own request path, answering through a callback: from the body's
 * last byte to the handler's Response no promise is made but the one on the handler's own (under
 * Node 20's AsyncLocalStorage, which the runtime runs every invocation in, each promise costs a
 * hook: six of them were ~2 µs of a card check's ~33, issue 15). A client that goes away mid-body
 * is the one error; every other outcome is a Response.
 */
export function invokeWith(
  mod: FunctionModule,
  request: RequestHead,
  { url = request.url, maxDuration, bodyLimit = BODY_LIMIT_BYTES, name, incoming }: InvokeOptions,
  done: ResponseCallback,
): void {
  const method = request.method.toUpperCase();
  const handler = pickHandler(mod, method);
  if (!handler) {
    const allow = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter((m) =>
      pickHandler(mod, m),
    );
    done(null, new Response("Method Not Allowed", { status: 405, headers: { allow: allow.join(", ") } }));
    return;
  }

  // From node's parsed headers when there are some: `request.headers` would build a Headers.
  const declared = Number(
    (incoming ? incoming.headers["content-length"] : request.headers.get("content-length")) ?? 0,
  );
  if (declared > bodyLimit) {
    done(null, platformError("FUNCTION_PAYLOAD_TOO_LARGE"));
    return;
  }
  const call = { url, method, maxDuration, name };
  if (NO_BODY.has(method)) {
    run(handler, request, call, null, done);
    return;
  }
  const read = (error: unknown, body?: Uint8Array<ArrayBuffer> | null) => {
    if (error instanceof BodyTooLargeError) done(null, platformError("FUNCTION_PAYLOAD_TOO_LARGE"));
    else if (error) done(error);
    else run(handler, request, call, body ?? null, done);
  };
  if (incoming) readIncomingBody(incoming, bodyLimit, read);
  else readBodyLimited(request.body ?? null, bodyLimit).then((body) => read(null, body), read);
}

/** The handler's run, once the body is whole: its answer, or the platform's 500 or 504. */
function run(
  handler: FetchHandler,
  request: RequestHead,
  { url, method, maxDuration, name }: { url: string; method: string; maxDuration: number; name: string },
  body: Uint8Array<ArrayBuffer> | null,
  done: ResponseCallback,
): void {
  const fn = createFunctionRequest({
    url,
    method,
    // Read only if the handler reads them (a lightweight request builds them from node's on demand).
    headers: () => request.headers,
    body: body && body.byteLength > 0 ? body : null,
  });

  // Whichever comes first answers: the function, or the platform's 504 at maxDuration (after
  // which the function's late answer is dropped, as Vercel drops it).
  let settled = false;
  const stop = watchDeadline(maxDuration * 1000, () => {
    settled = true;
    fn.abort(new Error(`maxDuration of ${maxDuration}s reached`));
    console.error(`[runtime] ${name} ran past its maxDuration of ${maxDuration}s`);
    done(null, platformError("FUNCTION_INVOCATION_TIMEOUT"));
  });
  const answered = (value: unknown) => {
    stop();
    if (settled) return;
    settled = true;
    if (value instanceof Response) {
      done(null, value);
      return;
    }
    console.error(`[runtime] ${name} did not return a Response`);
    done(null, platformError("FUNCTION_INVOCATION_FAILED"));
  };
  const failed = (error: unknown) => {
    stop();
    if (settled) return;
    settled = true;
    console.error(`[runtime] ${name} threw:`, error);
    done(null, platformError("FUNCTION_INVOCATION_FAILED"));
  };
  let result: unknown;
  try {
    result = handler(fn.request);
  } catch (error) {
    failed(error);
    return;
  }
  // A handler's promise (or any thenable) is followed; a Response returned as it is answers at once.
  if (
    result !== null &&
    typeof result === "object" &&
    typeof (result as PromiseLike<unknown>).then === "function"
  )
    (result as PromiseLike<unknown>).then(answered, failed);
  else answered(result);
}
