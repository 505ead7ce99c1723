import { randomBytes } from "node:crypto";

/** A pathname as it stands in a URL: each segment percent-encoded, the slashes kept. */
export function encodePathname(pathname: string): string {
  return pathname.split("/").map(encodeURIComponent).join("/");
}

const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Like the service's addRandomSuffix: 30 random characters before the extension.
 *
 * @example withRandomSuffix("a/photo.png") // "a/photo-<30 characters>.png"
 */
export function withRandomSuffix(pathname: string): string {
  const bytes = randomBytes(30);
  let suffix = "";
  for (const b of bytes) suffix += SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length];
  const slash = pathname.lastIndexOf("/");
  const dot = pathname.lastIndexOf(".");
  if (dot > slash + 1) return `${pathname.slice(0, dot)}-${suffix}${pathname.slice(dot)}`;
  return `${pathname}-${suffix}`;
}
