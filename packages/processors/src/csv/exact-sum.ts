/**
 * Exact sums of doubles as plain data, and the one rounding that turns them into a double. The CSV
 * kernel adds a column's numbers (and their squares) in fixed point without any rounding
 * (assembly/csv-kernel.ts, "Exact sums"); a partial result carries each sum as a short string, and
 * two pieces of a file merge by adding integers, which is exact and so independent of where the file
 * was cut and of the order the pieces are merged in.
 */

/**
 * An exact sum: `[-]0x<hex integer>p<exponent>`, the integer times 2^exponent (C's hexadecimal
 * floating-point notation with an integer mantissa). The integer is odd, or 0 with exponent 0, so
 * each value has one spelling. Plain data: structured-cloneable, JSON-serialisable, and short (a
 * column of prices sums to some twenty hex digits).
 */
export type ExactSum = string;

/** The sum of nothing. */
export const ZERO_SUM: ExactSum = "0x0p+0";

/** An exact sum as integer × 2^exponent. */
export interface Scaled {
  m: bigint;
  e: number;
}

/**
 * The spelling of `m × 2^e`, trailing zero bits moved into the exponent.
 *
 * @example formatExactSum(12n, 0) // "0x3p+2"
 */
export function formatExactSum(m: bigint, e: number): ExactSum {
  if (m === 0n) return ZERO_SUM;
  let mant = m;
  let exp = e;
  while ((mant & 0xffffffffn) === 0n) {
    mant >>= 32n;
    exp += 32;
  }
  while ((mant & 1n) === 0n) {
    mant >>= 1n;
    exp += 1;
  }
  const hex = mant < 0n ? `-0x${(-mant).toString(16)}` : `0x${mant.toString(16)}`;
  return `${hex}p${exp < 0 ? "" : "+"}${exp}`;
}

const SPELLING = /^(-?)0x([0-9a-f]+)p([+-]\d+)$/;

/**
 * Reads an {@link ExactSum}; throws on anything else (a partial of another version, say).
 *
 * @example parseExactSum("-0x3p-1") // { m: -3n, e: -1 }
 */
export function parseExactSum(s: ExactSum): Scaled {
  const match = SPELLING.exec(s);
  if (!match) throw new Error(`@repo/processors/csv: not an exact sum: ${JSON.stringify(s)}`);
  const [, sign, hex, exp] = match as unknown as [string, string, string, string];
  const m = BigInt(`0x${hex}`);
  return { m: sign ? -m : m, e: Number(exp) };
}

/**
 * The exact sum of two exact sums.
 *
 * @example addExactSums("0x1p+0", "0x1p-1") // "0x3p-1" (1 + 0.5)
 */
export function addExactSums(a: ExactSum, b: ExactSum): ExactSum {
  if (b === ZERO_SUM) return a;
  if (a === ZERO_SUM) return b;
  const x = parseExactSum(a);
  const y = parseExactSum(b);
  const e = Math.min(x.e, y.e);
  return formatExactSum((x.m << BigInt(x.e - e)) + (y.m << BigInt(y.e - e)), e);
}

/**
 * The sum held by `count` limbs of 32-bit digits (little-endian, each in [0, 2^32) but the top one,
 * which is signed) in units of 2^-scale: the kernel's fixed-point accumulators, once normalised.
 *
 * @example exactSumFromLimbs(new BigInt64Array([0n, 1n]), 0, 2, 32) // "0x1p+0"
 */
export function exactSumFromLimbs(limbs: BigInt64Array, at: number, count: number, scale: number): ExactSum {
  let low = 0;
  while (low < count && limbs[at + low] === 0n) low++;
  if (low === count) return ZERO_SUM;
  let high = count - 1;
  while (limbs[at + high] === 0n) high--;
  let m = 0n;
  for (let i = high; i >= low; i--) m = (m << 32n) + (limbs[at + i] as bigint);
  return formatExactSum(m, 32 * low - scale);
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

const pow2View = new DataView(new ArrayBuffer(8));

/** 2^e exactly, for e in [-1074, 1023]; Infinity above. */
function pow2(e: number): number {
  if (e > 1023) return Number.POSITIVE_INFINITY;
  if (e >= -1022) pow2View.setBigUint64(0, BigInt(e + 1023) << 52n);
  else pow2View.setBigUint64(0, 1n << BigInt(e + 1074));
  return pow2View.getFloat64(0);
}

/**
 * The double nearest to `num / den × 2^exp` (ties to even, as IEEE 754 rounds), subnormals and
 * overflow to ±Infinity included: the one rounding of an exact result. `den` must be positive.
 *
 * @example roundRatio(1n, 3n, 0) // 0.3333333333333333
 */
export function roundRatio(num: bigint, den: bigint, exp: number): number {
  if (den <= 0n) throw new RangeError("roundRatio: the denominator must be positive");
  if (num === 0n) return 0;
  const negative = num < 0n;
  let a = negative ? -num : num;
  // At least 55 bits of quotient: 53 kept, a rounding bit, and one more for the rest.
  const shift = Math.max(0, 55 - (bitLength(a) - bitLength(den)));
  a <<= BigInt(shift);
  const value = roundBits(a / den, a % den !== 0n, exp - shift);
  return negative ? -value : value;
}

/**
 * The double nearest to √(num / den × 2^exp), correctly rounded like {@link roundRatio}: from the
 * exact ratio, not from a rounded one, so a square root in range is found even when the ratio itself
 * is past the range of doubles (a variance of 2e600 has the deviation 1.4e300). `num` ≥ 0, `den` > 0.
 *
 * @example sqrtRatio(2n, 1n, 0) // 1.4142135623730951
 */
export function sqrtRatio(num: bigint, den: bigint, exp: number): number {
  if (den <= 0n || num < 0n) throw new RangeError("sqrtRatio: needs num ≥ 0 and den > 0");
  if (num === 0n) return 0;
  // √(a / den × 2^(2h)) with an even exponent 2h, a / den scaled to at least 2^110 so that its
  // integer square root has 55 bits or more.
  const odd = ((exp % 2) + 2) % 2;
  let a = num << BigInt(odd);
  let h = (exp - odd) / 2;
  let shift = Math.max(0, 111 - (bitLength(a) - bitLength(den)));
  shift += shift % 2;
  a <<= BigInt(shift);
  h -= shift / 2;
  const n = a / den;
  const r = isqrt(n);
  return roundBits(r, r * r !== n || a % den !== 0n, h);
}

/** ⌊√n⌋ for n > 0 (Newton's iteration from above). */
function isqrt(n: bigint): bigint {
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * The double nearest to (q + f) × 2^e, where 0 ≤ f < 1 is nonzero exactly when `inexact`, and q has
 * at least 55 bits (so the rounding bit is one of q's and f only breaks ties).
 */
function roundBits(q: bigint, inexact: boolean, e: number): number {
  // Keep the bits from 2^lsb up: 53 of them, fewer when the result is subnormal.
  const top = bitLength(q) - 1 + e;
  const lsb = Math.max(top - 52, -1074);
  const drop = BigInt(lsb - e);
  let m = q >> drop;
  const rest = q - (m << drop);
  const half = 1n << (drop - 1n);
  if (rest > half || (rest === half && (inexact || (m & 1n) === 1n))) m += 1n;
  // m ≤ 2^53 and 2^lsb are exact doubles; their product is exact, or Infinity past the largest double.
  return Number(m) * pow2(lsb);
}
