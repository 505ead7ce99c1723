/**
 * Finds where a CSV stream can be cut into pieces that begin at true row boundaries, by following
 * the accumulator's quote rules while visiting only the quote bytes: outside a quoted field, a quote
 * opens one only at the start of a field (after a delimiter or a line break, or at the start of a
 * row); inside, `""` is an escaped quote and any other quote closes the field. A quote anywhere else
 * is a stray one that the parser keeps as text, so it does not change the state either. This is
 * what makes the cut points those of the single-threaded parse, unlike plain quote parity.
 *
 * Quotes are searched for four bytes at a time (words without a quote byte are skipped), so the
 * main thread that cuts a stream spends a fraction of what parsing costs.
 */
export class RowCutter {
  private inQuotes = false;
  /** The next byte to examine in the current buffer. */
  private pos = 0;
  /** An offset of the current buffer at which a field starts (a row start), or -1. */
  private origin: number;
  private readonly delim: number;
  private readonly quote: number;

  /**
   * @param delimiter the delimiter byte
   * @param quote the quote byte
   * @param origin where the first row of the first buffer starts (3 after a UTF-8 BOM)
   */
  constructor(delimiter: number, quote: number, origin = 0) {
    this.delim = delimiter;
    this.quote = quote;
    this.origin = origin;
  }

  /**
   * The offset just past the first row end at or after `target` in `b[0..len)`, or -1 when more
   * bytes are needed (the scan resumes where it stopped on the next call with the same buffer,
   * grown). After a cut, the caller moves the rest to the start of a buffer and calls
   * {@link restart}; when it sends a buffer without a cut, it calls {@link carry} instead.
   * `words`, when given, is a Uint32Array over the same (4-byte aligned) memory as `b`.
   */
  find(b: Uint8Array, words: Uint32Array | null, len: number, target: number): number {
    const Q = this.quote;
    const D = this.delim;
    let p = this.pos;
    let q = this.inQuotes;
    // 1. The quote state at `target`. Four bytes at a time: words without a quote byte are skipped,
    // the quotes of the others go through the state machine.
    if (p < target) {
      const QQ = Math.imul(Q, 0x01010101);
      const origin = this.origin;
      // Bytes before the first whole word, and then whole words up to `target`.
      let head = words === null ? target : Math.min(target, (p + 3) & ~3);
      for (;;) {
        for (; p < head; p++) {
          if (b[p] !== Q) continue;
          if (q) {
            if (p + 1 >= len) break;
            if (b[p + 1] === Q) p++;
            else q = false;
          } else if (p === origin || (p > 0 && isBreak(b[p - 1] as number, D))) q = true;
        }
        // Done, or waiting for the byte after a quote at the end.
        if (p >= target || p < head || words === null) break;
        if ((p & 3) !== 0) {
          // An escaped quote pair ended past the word.
          head = Math.min(target, (p + 3) & ~3);
          continue;
        }
        const wEnd = target >> 2;
        let w = p >> 2;
        for (; w < wEnd; w++) {
          const x = (words[w] as number) ^ QQ;
          // Non-zero exactly when some byte of x is zero, i.e. some byte of the word is a quote.
          if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
        }
        p = w << 2;
        // The word with a quote (or the tail before target) goes through the byte loop.
        head = Math.min(target, p + 4);
      }
    }
    // 2. Byte by byte up to the end of the row.
    for (; p < len; p++) {
      const c = b[p] as number;
      if (q) {
        if (c === Q) {
          if (p + 1 >= len) break;
          if (b[p + 1] === Q) p++;
          else q = false;
        }
        continue;
      }
      if (c === Q) {
        if (p === this.origin || (p > 0 && isBreak(b[p - 1] as number, D))) q = true;
      } else if (c === 10) {
        this.restart();
        return p + 1;
      } else if (c === 13) {
        if (p + 1 >= len) break;
        this.restart();
        return b[p + 1] === 10 ? p + 2 : p + 1;
      }
    }
    this.pos = p;
    this.inQuotes = q;
    return -1;
  }

  /** The next buffer starts at a row boundary (the bytes after a cut). */
  restart(): void {
    this.pos = 0;
    this.inQuotes = false;
    this.origin = 0;
  }

  /**
   * The current buffer `b[0..len)` is sent without a cut and the next buffer continues it. Returns
   * how many of its last bytes (0 or 1: a quote or CR whose next byte decides) were not examined
   * yet: the caller sends the others and moves these to the start of the next buffer.
   */
  carry(b: Uint8Array, len: number): number {
    const keep = len - this.pos;
    const sent = len - keep;
    this.pos = 0;
    this.origin = sent > 0 && isBreak(b[sent - 1] as number, this.delim) ? 0 : -1;
    return keep;
  }
}

function isBreak(c: number, D: number): boolean {
  return c === D || c === 10 || c === 13;
}

/**
 * The offset just past the end of the first row that ends at or after `offset`, i.e. where the next
 * piece of a file can start; `bytes.length` when no row ends there. `bytes` must begin at a row
 * boundary (the start of the file, or a boundary found before) so that quote state is known: a line
 * break inside a quoted field is not a boundary. When the first piece showed no quoted line breaks,
 * a caller may instead pass a window that starts at `offset` itself. Plain quote parity, unlike
 * {@link RowCutter}: enough to cut test files into pieces, not part of the package's exports.
 *
 * @example nextRowBoundary(new TextEncoder().encode('a,"x\ny"\nb\n'), 1) // 8
 */
export function nextRowBoundary(bytes: Uint8Array, offset: number, quote = '"'): number {
  const Q = quote.charCodeAt(0);
  let inQuotes = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c === Q) inQuotes = !inQuotes;
    else if (!inQuotes && i >= offset) {
      if (c === 10) return i + 1;
      if (c === 13) {
        if (i + 1 >= bytes.length) return bytes.length;
        return bytes[i + 1] === 10 ? i + 2 : i + 1;
      }
    }
  }
  return bytes.length;
}
