import { timingSafeEqual } from "node:crypto";

/** Constant-time comparison, so a secret cannot be guessed a character at a time from timings. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
