import { HttpError } from "./http-error.js";
import { observe } from "./invocation.js";
import { errorResponse } from "./respond.js";

export type Handler = (request: Request) => Response | Promise<Response>;

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Method = (typeof METHODS)[number];

export interface RouteOptions {
  /** The message of the 405 for a method the route does not take, e.g. to explain why. */
  methodNotAllowed?: (method: string) => string | undefined;
}

/**
 * Turns a map of method handlers into the named exports a Vercel function has, so that every method
 * is answered by us: handled ones through the one error mapper, the rest with 405 and `Allow`.
 * HEAD follows GET without a body; OPTIONS answers 204 with `Allow`.
 *
 * @example export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({ POST: handler });
 */
export function route(
  handlers: Partial<Record<Exclude<Method, "HEAD" | "OPTIONS">, Handler>>,
  options: RouteOptions = {},
): Record<Method, Handler> {
  const table: Partial<Record<Method, Handler>> = { ...handlers };
  const get = handlers.GET;
  if (get) {
    table.HEAD = async (request) => {
      const response = await get(request);
      return new Response(null, response);
    };
  }
  const allow = [...Object.keys(table), "OPTIONS"].join(", ");
  table.OPTIONS = () => new Response(null, { status: 204, headers: { allow } });

  const out = {} as Record<Method, Handler>;
  for (const method of METHODS) {
    const handler = table[method];
    // Not an async function: every invocation passes here, and with the local runtime's
    // AsyncLocalStorage on Node 20 each promise and await costs a hook (issue 15). A handler that
    // throws, synchronously or not, still ends in the one error mapper.
    const answer = (request: Request): Promise<Response> => {
      try {
        if (!handler) {
          const message =
            options.methodNotAllowed?.(method) ?? `${method} is not allowed here; use ${allow}.`;
          throw new HttpError(405, "method_not_allowed", message, { allow: allow.split(", ") }, { allow });
        }
        return Promise.resolve(handler(request)).then(undefined, errorResponse);
      } catch (error) {
        return Promise.resolve(errorResponse(error));
      }
    };
    // Every invocation of every function passes here: its span and its request id start here.
    out[method] = (request) => observe(method, request, answer);
  }
  return out;
}
