/** An error answer of our API, or a failure to reach it, in words a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function parse<T>(response: Response): Promise<T> {
  const type = response.headers.get("content-type") ?? "";
  const body: unknown = type.includes("json") ? await response.json().catch(() => null) : null;
  if (response.ok) return body as T;
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  throw new ApiError(
    response.status,
    error?.code ?? `http_${response.status}`,
    error?.message ?? `The server answered ${response.status} ${response.statusText}.`,
    error?.details,
  );
}

async function send<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(
      0,
      "network_error",
      "Could not reach the server. Check your connection and try again.",
    );
  }
  return parse<T>(response);
}

/** SWR fetcher for GET endpoints. */
export const getJson = <T>(url: string): Promise<T> =>
  send<T>(url, { headers: { accept: "application/json" } });

/** POSTs a JSON body and reads the JSON answer. */
export const postJson = <T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> =>
  send<T>(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
    signal,
  });

/** POSTs with no body (the query string says it all) and reads the JSON answer. */
export const postEmpty = <T>(url: string): Promise<T> =>
  send<T>(url, { method: "POST", headers: { accept: "application/json" } });
