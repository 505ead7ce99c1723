/** Reading the protocol's requests and writing its answers: JSON bodies, query parameters, flags, CORS. */
import { badRequest, type ProtocolError, unknown } from "./errors.ts";

export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers":
    "etag, content-range, content-length, content-type, content-disposition, accept-ranges, last-modified, cache-control, retry-after",
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...CORS_HEADERS, ...headers },
  });
}

export function errorResponse(error: ProtocolError): Response {
  return json(
    error.status,
    { error: { code: error.code, message: error.message, ...error.extra } },
    error.headers,
  );
}

export async function readJson(request: Request): Promise<unknown> {
  try {
    return JSON.parse(await request.text());
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
}

/** Refuses any query parameter the route does not take: a new SDK option must fail loudly. */
export function checkParams(params: URLSearchParams, allowed: readonly string[], route: string): void {
  for (const key of params.keys()) {
    if (!allowed.includes(key)) throw unknown("query parameter", { route, parameter: key });
  }
}

export function requiredParam(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") throw badRequest(`Missing the "${name}" query parameter.`);
  return value;
}

/** A "1"/"0" header; anything else is a protocol this server does not know. */
export function flag(headers: Headers, name: string): boolean | undefined {
  const value = headers.get(name);
  if (value === null) return undefined;
  if (value === "1") return true;
  if (value === "0") return false;
  throw unknown("header value", { header: name, value });
}

export function nonNegativeInteger(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value))
    throw badRequest(`${name} must be a non-negative integer, not ${JSON.stringify(value)}.`);
  return Number(value);
}
