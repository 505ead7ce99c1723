/** The SWR keys of the files page, shared so that one part can refresh another. */
import { apiUrl } from "@/lib/api";

/** What the page lists: the files under uploads/, where it uploads them. */
export const LIST_QUERY = { prefix: "uploads/" } as const;
/** The list's key is `[LIST_URL, refreshKey]`. */
export const LIST_URL = apiUrl.blobs.list(LIST_QUERY);
export const isListKey = (key: unknown) => Array.isArray(key) && key[0] === LIST_URL;

/** The key (and URL) of one file's result. */
export const resultUrl = apiUrl.blobs.result;

/** The storage settings and quota; its key is `[CONFIG_URL, userId]`. */
export const CONFIG_URL = apiUrl.blobs.config;
