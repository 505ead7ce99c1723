import type { Route } from "@vercel/routing-utils";

/** What the filesystem phase found at a path: a function, a static file, or (in dev) the app. */
export type FilesystemHit<T> = { found: T } | null;

export type Resolution<T> =
  | { kind: "redirect"; status: number; location: string; headers: Record<string, string> }
  | { kind: "filesystem"; hit: T; url: URL; headers: Record<string, string> }
  | { kind: "external"; url: URL; headers: Record<string, string> }
  | { kind: "not-found"; url: URL; headers: Record<string, string> };

/** Replaces `$1` and `$name` with the groups of a route's match, as Vercel's router does. */
function substitute(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\d+|[A-Za-z_]\w*)/g, (_, key: string) => {
    const value = /^\d+$/.test(key) ? match[Number(key)] : match.groups?.[key];
    return value ?? "";
  });
}

const compiled = new Map<string, RegExp | null>();

/** Route patterns compiled once; an invalid one is remembered as null and never matches. */
function regexFor(src: string): RegExp | null {
  let re = compiled.get(src);
  if (re === undefined) {
    try {
      re = new RegExp(src);
    } catch {
      re = null;
    }
    compiled.set(src, re);
  }
  return re;
}

function isHandle(route: Route): route is Extract<Route, { handle: string }> {
  return "handle" in route;
}

/** Applies a destination to the URL: a new path, its query merged over the old one. */
function applyDestination(url: URL, dest: string): URL {
  if (/^https?:\/\//i.test(dest)) {
    const external = new URL(dest);
    url.searchParams.forEach((v, k) => {
      if (!external.searchParams.has(k)) external.searchParams.append(k, v);
    });
    return external;
  }
  const next = new URL(dest, url);
  url.searchParams.forEach((v, k) => {
    if (!next.searchParams.has(k)) next.searchParams.append(k, v);
  });
  return next;
}

/**
 * Resolves a request against Vercel's route table (as produced by `@vercel/routing-utils` from
 * vercel.json) in Vercel's order: the routes before `{handle: "filesystem"}` (redirects, headers),
 * then the filesystem, then the routes after it (rewrites, each re-checking the filesystem).
 */
export function resolveRoute<T>(
  routes: Route[],
  method: string,
  input: URL,
  filesystem: (pathname: string) => FilesystemHit<T>,
): Resolution<T> {
  let url = new URL(input.href);
  const headers: Record<string, string> = {};
  let phase: "before" | "after" = "before";

  const check = (): Resolution<T> | null => {
    if (url.origin !== input.origin) return { kind: "external", url, headers };
    const hit = filesystem(url.pathname);
    return hit ? { kind: "filesystem", hit: hit.found, url, headers } : null;
  };

  for (const route of routes) {
    if (isHandle(route)) {
      if (route.handle === "filesystem") {
        const found = check();
        if (found) return found;
        phase = "after";
      }
      continue;
    }
    if (route.methods && !route.methods.map((m) => m.toUpperCase()).includes(method)) continue;
    const match = regexFor(route.src)?.exec(url.pathname);
    if (!match) continue;

    for (const [key, value] of Object.entries(route.headers ?? {})) {
      if (route.status && key.toLowerCase() === "location") continue;
      headers[key.toLowerCase()] = substitute(value, match);
    }
    const location = Object.entries(route.headers ?? {}).find(([k]) => k.toLowerCase() === "location");
    if (route.status && location) {
      const target = applyDestination(url, substitute(location[1], match));
      const sameOrigin = target.origin === url.origin;
      return {
        kind: "redirect",
        status: route.status,
        location: sameOrigin ? target.pathname + target.search : target.href,
        headers,
      };
    }
    if (route.dest) url = applyDestination(url, substitute(route.dest, match));
    if (route.check || phase === "after") {
      const found = check();
      if (found) return found;
    }
    if (!route.continue && phase === "before") break;
  }
  if (phase === "before") {
    const found = check();
    if (found) return found;
  }
  return { kind: "not-found", url, headers };
}
