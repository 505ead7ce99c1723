/**
 * A client that keeps cookies like a browser on one origin: every request carries that Origin and
 * the cookies set so far. It sends through any fetch-like function, so the same client drives a
 * handler called directly (`auth.handler`) and a server over HTTP (`fetch`).
 */

export type Send = (request: Request) => Response | Promise<Response>;

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON of any shape; each test asserts what it needs
  json: any;
  headers: Headers;
}

export interface CookieClient {
  readonly origin: string;
  readonly cookies: Map<string, string>;
  /** The Cookie header this client sends. */
  cookieHeader(): string;
  /** A request to `path` on the origin; a non-undefined body is sent as JSON. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** A raw request with this client's cookies and Origin, the response unread. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export function cookieClient(origin: string, send: Send = (request) => fetch(request)): CookieClient {
  const cookies = new Map<string, string>();
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) cookies.delete(name);
      else cookies.set(name, pair.slice(eq + 1));
    }
  };
  const rawFetch = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has("origin")) headers.set("origin", origin);
    if (cookies.size && !headers.has("cookie")) headers.set("cookie", cookieHeader());
    const res = await send(new Request(new URL(path, origin), { ...init, headers, redirect: "manual" }));
    keep(res);
    return res;
  };
  return {
    origin,
    cookies,
    cookieHeader,
    fetch: rawFetch,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] = "application/json";
      }
      const res = await rawFetch(path, init);
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, json, headers: res.headers };
    },
  };
}
