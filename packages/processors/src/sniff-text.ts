import type { SniffResult } from "./sniff-type.ts";

/**
 * Text heuristics for bytes that matched no magic number. Kept apart from the magic table because they are
 * guesses by degree (how printable, how regular) rather than exact signatures, and their order matters:
 * markup, then JSON, then delimited rows, then plain text.
 */

type Charset = NonNullable<SniffResult["text"]>["charset"];

/** Control bytes that plain text does contain: tab, LF, VT, FF, CR and ESC (ANSI colour in logs). */
function isTextControl(code: number): boolean {
  return code === 9 || code === 10 || code === 11 || code === 12 || code === 13 || code === 27;
}

/**
 * Decodes `head` as text if it plausibly is text, or returns null for binary. A head cut from a longer
 * stream may end inside a multi-byte character, so the decoder runs in streaming mode and drops that tail
 * instead of calling the whole file invalid.
 */
export function decodeText(head: Uint8Array): { text: string; charset: Charset; bom: boolean } | null {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) {
    return decodeWith("utf-16le", head.subarray(2), "utf-16le", true);
  }
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) {
    return decodeWith("utf-16be", head.subarray(2), "utf-16be", true);
  }
  const bom = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  const body = bom ? head.subarray(3) : head;
  // NUL never appears in UTF-8 or 8-bit text files, but is everywhere in binary formats.
  if (body.includes(0)) return null;
  const utf8 = decodeWith("utf-8", body, "utf-8", bom);
  if (utf8) return utf8;
  // Not UTF-8: a legacy 8-bit encoding (Windows-1252, Latin-1) still reads as text when the bytes below
  // 0x20 are whitespace and most bytes are ASCII. We flag the charset rather than guess which one it is.
  let control = 0;
  let high = 0;
  for (const b of body) {
    if (b < 0x20 && !isTextControl(b)) control++;
    else if (b >= 0x80) high++;
  }
  if (body.length === 0 || control > body.length * 0.01 || high > body.length * 0.3) return null;
  return { text: new TextDecoder("latin1").decode(body), charset: "unknown-8bit", bom: false };
}

function decodeWith(
  encoding: "utf-8" | "utf-16le" | "utf-16be",
  bytes: Uint8Array,
  charset: Charset,
  bom: boolean,
): { text: string; charset: Charset; bom: boolean } | null {
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes, { stream: true });
  } catch {
    return null;
  }
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && !isTextControl(c)) || c === 0x7f || c === 0xfffd) bad++;
  }
  // "Mostly printable": a stray control byte in a log is fine, a run of them means a binary format.
  if (bad > Math.max(1, text.length * 0.02)) return null;
  return { text, charset, bom };
}

/** HTML, SVG or other XML by the first markup in the text (after a BOM, whitespace, comments). */
export function sniffMarkup(text: string): Pick<SniffResult, "mime" | "extension" | "description"> | null {
  const start = text.trimStart().slice(0, 4096);
  if (!start.startsWith("<")) return null;
  const lower = start.toLowerCase();
  const isXmlDecl = lower.startsWith("<?xml");
  // The root element is the first tag that is not a declaration, processing instruction or comment.
  const root = /<(?![?!])([a-z][\w:.-]*)/i.exec(lower.replace(/<!--[\s\S]*?-->/g, ""))?.[1];
  if (root === "svg" || (root === undefined && lower.includes("<!doctype svg"))) {
    return { mime: "image/svg+xml", extension: "svg", description: "SVG image" };
  }
  if (
    lower.startsWith("<!doctype html") ||
    root === "html" ||
    (!isXmlDecl &&
      root !== undefined &&
      /^(head|body|script|iframe|div|p|title|style|meta|a|table)$/.test(root))
  ) {
    return { mime: "text/html", extension: "html", description: "HTML document" };
  }
  if (isXmlDecl || root !== undefined) {
    return { mime: "application/xml", extension: "xml", description: "XML document" };
  }
  return null;
}

/**
 * JSON when the text parses. A head cut from a larger file cannot parse, so with `complete: false` an
 * opening `{"` or `[` followed by a JSON value is taken as JSON too: CSV and prose rarely start that way.
 */
export function sniffJson(
  text: string,
  complete: boolean,
): Pick<SniffResult, "mime" | "extension" | "description"> | null {
  const trimmed = text.trim();
  const first = trimmed[0];
  if (first !== "{" && first !== "[") {
    return null;
  }
  try {
    JSON.parse(trimmed);
    return { mime: "application/json", extension: "json", description: "JSON" };
  } catch {
    // Fall through: maybe NDJSON, maybe a truncated head.
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== "");
  const whole = complete ? lines : lines.slice(0, -1);
  if (whole.length >= 2 && whole.every((l) => parses(l) && /^\s*[{[]/.test(l))) {
    return { mime: "application/x-ndjson", extension: "ndjson", description: "Newline-delimited JSON" };
  }
  if (!complete && /^(\{\s*("|\})|\[\s*(["{[\]\d-]|true|false|null))/.test(trimmed)) {
    return { mime: "application/json", extension: "json", description: "JSON (start of a larger document)" };
  }
  return null;
}

function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Counts `delimiter` outside double-quoted fields, as RFC 4180 quoting would. */
function countDelimiters(line: string, delimiter: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) n++;
  }
  return n;
}

/**
 * CSV or TSV when the first lines split into the same number of fields (at least two) with one delimiter.
 * Tab wins over comma when both are consistent, since a comma inside TSV text is ordinary punctuation.
 */
export function sniffDelimited(
  text: string,
  complete: boolean,
): Pick<SniffResult, "mime" | "extension" | "description"> | null {
  let lines = text.split(/\r?\n/);
  // The last line of a cut head is partial; the last "line" of a complete file is usually the empty
  // string after a final newline.
  if (!complete || lines.at(-1) === "") lines = lines.slice(0, -1);
  lines = lines.slice(0, 20);
  if (lines.length < 2) return null;
  for (const delimiter of ["\t", ",", ";", "|"]) {
    const counts = lines.map((l) => countDelimiters(l, delimiter));
    const fields = (counts[0] ?? 0) + 1;
    if (fields < 2) continue;
    // Allow an odd line out (a quoted field with a newline in it splits one record over two lines).
    const agreeing = counts.filter((c) => c + 1 === fields).length;
    if (agreeing >= Math.max(2, Math.ceil(lines.length * 0.9))) {
      return delimiter === "\t"
        ? { mime: "text/tab-separated-values", extension: "tsv", description: `TSV, ${fields} columns` }
        : {
            mime: "text/csv",
            extension: "csv",
            description: `CSV (${JSON.stringify(delimiter)}), ${fields} columns`,
          };
    }
  }
  return null;
}
