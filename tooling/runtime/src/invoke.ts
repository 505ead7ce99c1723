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
  { url = request.url, maxDuration, bodyLimit = BODY_LIMIT_BYTES, name, incoming }: InvokeOptions,
): Promise<Response> {
  const method = request.method.toUpperCase();
  const handler = pickHandler(mod, method);
  if (!handler) {
    const allow = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter((m) =>
      pickHandler(mod, m),
    );
    return Promise.resolve(
      new Response("Method Not Allowed", { status: 405, headers: { allow: allow.join(", ") } }),
    );
  }

  // From node's parsed headers when there are some: `request.headers` would build a Headers.
  const declared = Number(
    (incoming ? incoming.headers["content-length"] : request.headers.get("content-length")) ?? 0,
  );
  if (declared > bodyLimit) return Promise.resolve(platformError("FUNCTION_PAYLOAD_TOO_LARGE"));
  const call = { url, method, maxDuration, name };
  // Not an async function: a GET's invocation (most of them) then costs no promise beyond its own.
  if (NO_BODY.has(method)) return run(handler, request, call, null);
  const reading = incoming
    ? readIncomingBody(incoming, bodyLimit)
    : readBodyLimited(request.body ?? null, bodyLimit);
  return reading.then(
    (body) => run(handler, request, call, body),
    (error: unknown) => {
      if (error instanceof BodyTooLargeError) return platformError("FUNCTION_PAYLOAD_TOO_LARGE");
      throw error;
    },
  );
}

/** The handler's run, once the body is whole: its answer, or the platform's 500 or 504. */
function run(
  handler: FetchHandler,
  request: RequestHead,
  { url, method, maxDuration, name }: { url: string; method: string; maxDuration: number; name: string },
  body: Uint8Array<ArrayBuffer> | null,
): Promise<Response> {
  const fn = createFunctionRequest({
    url,
    method,
    // Read only if the handler reads them (a lightweight request builds them from node's on demand).
    headers: () => request.headers,
    body: body && body.byteLength > 0 ? body : null,
  });

  return new Promise<Response>((resolve) => {
    // Whichever comes first answers: the function, or the platform's 504 at maxDuration (after
    // which the function's late answer is dropped, as Vercel drops it).
    let expired = false;
    const done = watchDeadline(maxDuration * 1000, () => {
      expired = true;
      fn.abort(new Error(`maxDuration of ${maxDuration}s reached`));
      console.error(`[runtime] ${name} ran past its maxDuration of ${maxDuration}s`);
      resolve(platformError("FUNCTION_INVOCATION_TIMEOUT"));
    });
    const failed = (error: unknown) => {
      done();
      if (expired) return;
      console.error(`[runtime] ${name} threw:`, error);
      resolve(platformError("FUNCTION_INVOCATION_FAILED"));
    };
    let result: unknown;
    try {
      result = handler(fn.request);
    } catch (error) {
      failed(error);
      return;
    }
    Promise.resolve(result).then((value) => {
      done();
      if (expired) return;
      if (value instanceof Response) {
        resolve(value);
        return;
      }
      console.error(`[runtime] ${name} did not return a Response`);
      resolve(platformError("FUNCTION_INVOCATION_FAILED"));
    }, failed);
  });
}
