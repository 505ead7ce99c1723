/** The SWR keys of the files page, shared so that one part can refresh another. */

/** The list's key is `[LIST_URL, refreshKey]`. */
export const LIST_URL = "/api/blobs?prefix=uploads/";
export const isListKey = (key: unknown) => Array.isArray(key) && key[0] === LIST_URL;

/** The key (and URL) of one file's result. */
export const resultUrl = (path: string) => `/api/blobs/result?${new URLSearchParams({ path })}`;

/** The storage settings and quota; its key is `[CONFIG_URL, userId]`. */
export const CONFIG_URL = "/api/blobs/config";
