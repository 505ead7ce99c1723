/**
 * The web app's one client of our API, built on the contract (`@repo/validation/api/*`): every
 * endpoint URL is made here from the contract's paths, and every answer has the contract's type.
 * Components call `api.blobs.list(…)`; SWR keys are the same URLs, from `apiUrl`.
 */
import type { AuthMethodsAnswer } from "@repo/validation/api/auth-methods";
import { authMethodsEndpoint } from "@repo/validation/api/auth-methods";
import {
  type BlobConfig,
  type BlobInfo,
  type BlobListAnswer,
  type BlobListQuery,
  type BlobResultAnswer,
  blobEndpoints,
  type ReprocessAnswer,
} from "@repo/validation/api/blobs";
import { type CardBrandsAnswer, type CardCheckAnswer, cardEndpoints } from "@repo/validation/api/cards";
import { errorBodySchema } from "@repo/validation/api/errors";
import { type WeatherAnswer, weatherEndpoint } from "@repo/validation/api/weather";
import type { WeatherQuery } from "@repo/validation/weather";

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

type QueryValue = string | number | boolean | null | undefined;

/**
 * An endpoint's URL with its query; parameters that are absent (undefined or null) are left out.
 *
 * @example withQuery("/api/blobs", { prefix: "uploads/", cursor: null }) // "/api/blobs?prefix=uploads%2F"
 */
export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** The answer of a response: its JSON when it is a success, else an ApiError saying what went wrong. */
export async function readAnswer<T>(response: Response): Promise<T> {
  const type = response.headers.get("content-type") ?? "";
  const body: unknown = type.includes("json") ? await response.json().catch(() => null) : null;
  if (response.ok) return body as T;
  // Anything in front of the API (a proxy, the platform) may answer in its own shape.
  const error = errorBodySchema.safeParse(body).data?.error;
  throw new ApiError(
    response.status,
    error?.code ?? `http_${response.status}`,
    error?.message ?? `The server answered ${response.status} ${response.statusText}.`,
    error?.details,
  );
}

async function send<T>(url: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { accept: "application/json", ...init.headers } });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError(
      0,
      "network_error",
      "Could not reach the server. Check your connection and try again.",
    );
  }
  return readAnswer<T>(response);
}

const postJson = <T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> =>
  send<T>(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

/** The URLs of our API, which are also the SWR keys of what they answer. */
export const apiUrl = {
  blobs: {
    list: (query: Partial<BlobListQuery> = {}) => withQuery(blobEndpoints.list.path, query),
    delete: (path: string) => withQuery(blobEndpoints.delete.path, { path }),
    info: (path: string) => withQuery(blobEndpoints.info.path, { path }),
    /** A file's bytes, as a download (or an image's thumbnail, for an <img>). */
    content: (path: string) => withQuery(blobEndpoints.content.path, { path }),
    result: (path: string) => withQuery(blobEndpoints.result.path, { path }),
    reprocess: (path: string) => withQuery(blobEndpoints.reprocess.path, { path }),
    /** Where the browser's upload() asks for client tokens. */
    clientUpload: blobEndpoints.clientUpload.path,
    config: blobEndpoints.config.path,
  },
  weather: (query: Pick<WeatherQuery, "zipcode"> & Partial<WeatherQuery>) =>
    withQuery(weatherEndpoint.path, query),
  card: {
    check: cardEndpoints.check.path,
    brands: cardEndpoints.brands.path,
  },
  authMethods: authMethodsEndpoint.path,
} as const;

/**
 * Our API, typed by the contract. Each call answers the endpoint's answer or throws an ApiError.
 *
 * @example const { blobs, cursor } = await api.blobs.list({ prefix: "uploads/" });
 */
export const api = {
  blobs: {
    list: (query?: Partial<BlobListQuery>) => send<BlobListAnswer>(apiUrl.blobs.list(query)),
    /** Deletes the file and its results; a 404 means it was already gone. */
    delete: (path: string) => send<null>(apiUrl.blobs.delete(path), { method: "DELETE" }),
    info: (path: string) => send<BlobInfo>(apiUrl.blobs.info(path)),
    result: (path: string) => send<BlobResultAnswer>(apiUrl.blobs.result(path)),
    /** A new attempt; 409 while one is queued or processing. */
    reprocess: (path: string) => send<ReprocessAnswer>(apiUrl.blobs.reprocess(path), { method: "POST" }),
    config: () => send<BlobConfig>(apiUrl.blobs.config),
  },
  weather: {
    get: (query: Parameters<typeof apiUrl.weather>[0]) => send<WeatherAnswer>(apiUrl.weather(query)),
  },
  card: {
    /** POSTed, never in a URL: card numbers end up in logs there. */
    check: (number: string, signal?: AbortSignal) =>
      postJson<CardCheckAnswer>(apiUrl.card.check, { number }, signal),
    brands: () => send<CardBrandsAnswer>(apiUrl.card.brands),
  },
  authMethods: {
    get: () => send<AuthMethodsAnswer>(apiUrl.authMethods),
  },
} as const;
