import { createReadStream, statSync } from "node:fs";
import { join, normalize, sep } from "node:path";
import { Readable } from "node:stream";
import { lookup } from "mrmime";

export interface StaticFile {
  path: string;
  size: number;
}

/**
 * Finds the file a URL path names in a static output folder, as Vercel's filesystem phase does:
 * the exact file, then `<path>.html` when cleanUrls is on, then `<path>/index.html`.
 */
export function findStaticFile(dir: string, pathname: string, cleanUrls: boolean): StaticFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const base = normalize(join(dir, decoded));
  if (base !== dir && !base.startsWith(dir + sep)) return null;
  const candidates = [base];
  if (cleanUrls && !base.endsWith(sep)) candidates.push(`${base}.html`);
  candidates.push(join(base, "index.html"));
  for (const candidate of candidates) {
    try {
      const stat = statSync(candidate);
      if (stat.isFile()) return { path: candidate, size: stat.size };
    } catch {}
  }
  return null;
}

/** A streamed response for a static file, with its type and the caching Vercel gives static output. */
export function staticResponse(file: StaticFile, method: string, status = 200): Response {
  const headers = new Headers({
    "content-type": lookup(file.path) ?? "application/octet-stream",
    "content-length": String(file.size),
    "cache-control": file.path.includes(`${sep}_next${sep}static${sep}`)
      ? "public, max-age=31536000, immutable"
      : "public, max-age=0, must-revalidate",
  });
  if (headers.get("content-type")?.startsWith("text/")) {
    headers.set("content-type", `${headers.get("content-type")}; charset=utf-8`);
  }
  const body =
    method === "HEAD" ? null : (Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>);
  return new Response(body, { status, headers });
}
