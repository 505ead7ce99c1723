/**
 * What the runtime's console and dashboard may show of a request. Two rules:
 * - on endpoints that take secrets or card data in their query (or might: sign-in callbacks carry
 *   codes and tokens; upload callbacks carry signed tokens), no query value is shown, only names;
 *   an endpoint is one by the function that answered it (whatever path reached it: a rewrite, a
 *   `./` segment) or by its path with dot segments resolved;
 * - a query parameter whose name says it holds a secret is hidden on every endpoint;
 * and, everywhere, anything that looks like a card number (13 to 19 digits, spaces or dashes
 * between, passing the Luhn check) is replaced, in paths and in the functions' own output alike.
 */

/** Path prefixes whose query values are never shown. */
export const SENSITIVE_PATHS = [
  "/api/validate/card",
  "/api/auth",
  "/api/blobs/client-upload",
  "/api/blobs/upload",
  "/__vercel_blob",
] as const;

/** Query parameter names hidden on every endpoint (lower case, `_` and `-` left out). */
const SECRET_NAMES = new Set([
  "code",
  "key",
  "apikey",
  "signature",
  "sig",
  "session",
  "sessionid",
  "cookie",
  "auth",
  "authorization",
  "number",
  "card",
  "cardnumber",
  "pan",
  "cvc",
  "cvv",
]);
/** A name containing one of these is hidden too (`access_token`, `client_secret`, `new-password`). */
const SECRET_PARTS = ["token", "secret", "password", "passwd"];

const HIDDEN = "…";
export const CARD_MASK = "[card number]";

const isSensitivePath = (pathname: string) =>
  SENSITIVE_PATHS.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));

/**
 * Whether the function that answered (`api/validate/card`, as the observer names it) is one of the
 * sensitive endpoints: `/api/validate/./card` or a rewrite reach it under another path. Known per
 * function once asked (every request of a busy endpoint asks; the functions are the api/ scan's).
 */
function isSensitiveFunction(fn: string): boolean {
  if (fn === "") return false;
  let sensitive = sensitiveFunctions.get(fn);
  if (sensitive === undefined) {
    sensitive = isSensitivePath(`/${fn}`);
    if (sensitiveFunctions.size >= CLEAN_MAX) sensitiveFunctions.clear();
    sensitiveFunctions.set(fn, sensitive);
  }
  return sensitive;
}
const sensitiveFunctions = new Map<string, boolean>();

/** The path as the router sees it: `.` and `..` segments (also written `%2e`) resolved. */
function resolveDots(pathname: string): string {
  if (!pathname.includes(".") && !pathname.includes("%")) return pathname;
  try {
    return new URL(pathname, "http://x").pathname;
  } catch {
    return pathname;
  }
}

/**
 * A request target (`/path?query`) fit to print: sensitive query values hidden, card numbers masked.
 * `fn` is the function that answered it, if one did.
 *
 * @example
 * redactTarget("/api/weather?zipcode=48824"); // "/api/weather?zipcode=48824"
 * redactTarget("/api/auth/callback?code=abc&state=x"); // "/api/auth/callback?code=…&state=…"
 * redactTarget("/api/validate/./card?pin=1", "api/validate/card"); // "/api/validate/./card?pin=…"
 */
export function redactTarget(target: string, fn = ""): string {
  const sensitiveFn = isSensitiveFunction(fn);
  // What is remembered was clean for a function that is not sensitive: never an answer for one that
  // is, unless it has no query (a sensitive function hides query values; its path is masked alike).
  if (cleanTargets.has(target) && (!sensitiveFn || !target.includes("?"))) return target;
  const redacted = redact(target, sensitiveFn);
  if (redacted === target) {
    if (cleanTargets.size >= CLEAN_MAX) cleanTargets.clear();
    cleanTargets.add(target);
  }
  return redacted;
}

/**
 * Targets that redacting left as they were, answered again without the work (issue 15: a query's
 * names and digits checked on every request of a busy endpoint). Only those: a target with
 * anything to hide is never kept.
 */
const cleanTargets = new Set<string>();
const CLEAN_MAX = 512;

function redact(target: string, sensitiveFn: boolean): string {
  const q = target.indexOf("?");
  const pathname = q === -1 ? target : target.slice(0, q);
  const safePath = maskCardNumbers(pathname);
  if (q === -1) return safePath;
  const query = target.slice(q + 1);
  if (query === "") return safePath;
  const hideAll = sensitiveFn || isSensitivePath(resolveDots(pathname));
  const parts = query.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (eq === -1) return maskCardNumbers(name);
    if (hideAll || isSecretName(name)) return `${maskCardNumbers(name)}=${HIDDEN}`;
    return maskCardNumbers(pair);
  });
  return `${safePath}?${parts.join("&")}`;
}

function isSecretName(raw: string): boolean {
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {}
  name = name.toLowerCase().replace(/[-_]/g, "");
  return SECRET_NAMES.has(name) || SECRET_PARTS.some((part) => name.includes(part));
}

/** Runs of digit groups joined by one space, dash, plus or URL-encoded space. */
const DIGIT_RUN = /(?<![\d])\d+(?:(?:[ -]|%20|\+)\d+)*(?![\d])/g;
const SEPARATOR = /([ -]|%20|\+)/;

/**
 * Replaces every card number: within a run of digit groups ("4242 4242 4242 4242 1"), any
 * consecutive groups holding 13 to 19 digits that pass the Luhn check. Cheap on the common case:
 * text with no four digits in a row is returned as it is.
 *
 * @example
 * maskCardNumbers("paid with 4242 4242 4242 4242"); // "paid with [card number]"
 */
export function maskCardNumbers(text: string): string {
  if (!/\d{4}/.test(text)) return text;
  return text.replace(DIGIT_RUN, (run) => {
    // Groups and the separators between them: [group, sep, group, sep, …].
    const parts = run.split(SEPARATOR);
    const out: string[] = [];
    let i = 0;
    while (i < parts.length) {
      let digits = "";
      let found = -1;
      for (let j = i; j < parts.length && digits.length < 19; j += 2) {
        digits += parts[j] ?? "";
        if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) found = j;
      }
      if (found >= 0) {
        out.push(CARD_MASK);
        i = found + 1;
      } else {
        out.push(parts[i] ?? "");
        i++;
      }
    }
    return out.join("");
  });
}

function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
