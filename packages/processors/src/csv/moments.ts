/**
 * A numeric column's count, extremes and exact sums (Σx, Σx²), and the mean and standard deviation
 * they give. Every part merges exactly, so the figures of a file are a function of its values alone:
 * a file analysed in one pass, in pieces on worker threads, or in chunks by separate steps gives the
 * same bits.
 */
import { addExactSums, type ExactSum, parseExactSum, roundRatio, sqrtRatio } from "./exact-sum.ts";

/** Bits of {@link Moments.nonFinite}. */
export const NON_FINITE = { positiveInfinity: 1, negativeInfinity: 2, nan: 4 } as const;

/** What a piece of a file knows of a column's numbers. Plain data: structured-cloneable, JSON-serialisable. */
export interface Moments {
  /** Numbers, non-finite ones included. */
  n: number;
  min: number;
  max: number;
  /** Σx over the finite numbers, exactly. */
  sum: ExactSum;
  /** Σx² over the finite numbers, exactly. */
  sumSquares: ExactSum;
  /** Which non-finite numbers were seen (bits of {@link NON_FINITE}); they are left out of the sums. */
  nonFinite: number;
}

/**
 * The moments of two pieces together: exact, so in any order and grouping the same.
 *
 * @example mergeMoments(a, b).sum === mergeMoments(b, a).sum // true
 */
export function mergeMoments(a: Moments, b: Moments): Moments {
  return {
    n: a.n + b.n,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    sum: addExactSums(a.sum, b.sum),
    sumSquares: addExactSums(a.sumSquares, b.sumSquares),
    nonFinite: a.nonFinite | b.nonFinite,
  };
}

/**
 * The mean and the sample standard deviation (n − 1) of the numbers. The mean is Σx / n rounded once
 * (correctly); the variance (n·Σx² − (Σx)²) / (n(n − 1)) is computed exactly with integers and the
 * deviation is its square root rounded once (correctly too: even where the variance itself would not
 * fit a double, as for values near ±1e300). That is more accurate than Welford's algorithm, which
 * rounds at every value and, merged with Chan's formula, gave results that depended on where a file
 * was cut. With an infinity among the numbers the mean is that infinity (NaN with both signs) and the
 * deviation NaN; a single number has deviation 0.
 *
 * @example momentStats({ n: 2, min: 1, max: 3, sum: "0x1p+2", sumSquares: "0x5p+1", nonFinite: 0 })
 * // { mean: 2, stddev: 1.4142135623730951 }
 */
export function momentStats(m: Moments): { mean: number; stddev: number } {
  if (m.nonFinite !== 0) {
    const { positiveInfinity: pos, negativeInfinity: neg, nan } = NON_FINITE;
    const both = (m.nonFinite & nan) !== 0 || (m.nonFinite & (pos | neg)) === (pos | neg);
    const mean = both ? Number.NaN : m.nonFinite & pos ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    return { mean, stddev: m.n > 1 ? Number.NaN : 0 };
  }
  if (m.n === 0) return { mean: Number.NaN, stddev: 0 };
  const n = BigInt(m.n);
  const s1 = parseExactSum(m.sum);
  const mean = roundRatio(s1.m, n, s1.e);
  if (m.n < 2) return { mean, stddev: 0 };
  const s2 = parseExactSum(m.sumSquares);
  // n·Σx² − (Σx)², both as integers times 2^e: never negative (Cauchy–Schwarz), as nothing was rounded.
  const e = Math.min(s2.e, 2 * s1.e);
  const spread = ((n * s2.m) << BigInt(s2.e - e)) - ((s1.m * s1.m) << BigInt(2 * s1.e - e));
  return { mean, stddev: sqrtRatio(spread, n * (n - 1n), e) };
}
