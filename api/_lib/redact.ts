import { luhnValid } from "@repo/cards/luhn";

/**
 * Masks what must never reach a log store even if a line quotes it by mistake: card numbers
 * (13–19 digits, spaced or dashed, that pass Luhn), bearer tokens, Vercel Blob tokens, Better
 * Auth's cookies, and password / secret / token fields written as `key: value`, `key=value` or
 * JSON. The handlers do not log these; this is the net under that rule, not the rule.
 *
 * @example redact('{"password":"hunter2"}') // '{"password":"[redacted]"}'
 */
export function redact(text: string): string {
  return text
    .replace(/\b\d(?:[ -]?\d){12,18}\b/g, (run) =>
      luhnValid(run.replace(/\D/g, "")) ? "[card number]" : run,
    )
    .replace(/\b(bearer\s+)[^\s"',;]+/gi, "$1[redacted]")
    .replace(/\bvercel_blob_(?:rw|client)_[\w+/=.-]+/gi, "[blob token]")
    .replace(/((?:__Secure-)?better-auth\.[\w.]+=)[^;\s"',]+/gi, "$1[redacted]")
    .replace(
      /(["']?\b(?:password|newPassword|currentPassword|secret|token|clientToken|cookie|authorization)["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&}]+)/gi,
      (_match, key: string, value: string) =>
        `${key}${value.startsWith('"') ? '"[redacted]"' : value.startsWith("'") ? "'[redacted]'" : "[redacted]"}`,
    );
}
