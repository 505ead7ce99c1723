import { describe, expect, it } from "vitest";
import {
  addExactSums,
  exactSumFromLimbs,
  formatExactSum,
  parseExactSum,
  roundRatio,
  sqrtRatio,
  ZERO_SUM,
} from "./exact-sum.ts";

describe("exact sums", () => {
  it("have one spelling per value and read back", () => {
    expect(formatExactSum(12n, 0)).toBe("0x3p+2");
    expect(formatExactSum(3n << 40n, -40)).toBe("0x3p+0");
    expect(formatExactSum(-5n, -1074)).toBe("-0x5p-1074");
    expect(formatExactSum(0n, 17)).toBe(ZERO_SUM);
    for (const [m, e] of [
      [1n, 0],
      [-(2n ** 200n + 1n), -3000],
      [0xabcdefn, 900],
    ] as const) {
      expect(parseExactSum(formatExactSum(m, e))).toEqual({ m, e });
    }
    expect(() => parseExactSum("1.5")).toThrow(/not an exact sum/);
  });

  it("add without rounding, in any order", () => {
    // 2^1000 + 2^-1000 − 2^1000: every double addition order loses the small term.
    const big = formatExactSum(1n, 1000);
    const small = formatExactSum(1n, -1000);
    const minus = formatExactSum(-1n, 1000);
    const sums = [
      addExactSums(addExactSums(big, small), minus),
      addExactSums(addExactSums(minus, big), small),
      addExactSums(small, addExactSums(minus, big)),
    ];
    expect(new Set(sums)).toEqual(new Set([small]));
    expect(addExactSums(big, minus)).toBe(ZERO_SUM);
  });

  it("read the kernel's limbs, the top one signed", () => {
    // −1 + 2^-32 over three limbs in units of 2^-64: digits 0, 1 and −1 on top (borrowed).
    const limbs = new BigInt64Array([7n, 0n, 1n, -1n, 9n]);
    expect(parseExactSum(exactSumFromLimbs(limbs, 1, 3, 64))).toEqual({ m: -(2n ** 32n) + 1n, e: -32 });
    expect(exactSumFromLimbs(new BigInt64Array(4), 0, 4, 10)).toBe(ZERO_SUM);
  });
});

describe("roundRatio", () => {
  it("rounds like IEEE 754 division where that division is exact-input", () => {
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const a = next() * 2 ** 21 + (next() >>> 11); // < 2^53
      const b = (next() >>> (i % 31)) + 1;
      const exp = (i % 41) - 20;
      // a / b is correctly rounded by the hardware; scaling by 2^exp is exact in this range.
      const want = (a / b) * 2 ** exp;
      if (!Object.is(roundRatio(BigInt(a), BigInt(b), exp), want)) {
        expect.fail(`${a} / ${b} × 2^${exp}: ${roundRatio(BigInt(a), BigInt(b), exp)}, want ${want}`);
      }
      expect(roundRatio(-BigInt(a), BigInt(b), exp)).toBe(-want);
    }
  });

  it("breaks ties to even, and handles subnormals and overflow", () => {
    const two53 = 2n ** 53n;
    expect(roundRatio(two53 + 1n, 1n, 0)).toBe(2 ** 53); // tie, down to even
    expect(roundRatio(two53 + 3n, 1n, 0)).toBe(2 ** 53 + 4); // tie, up to even
    expect(roundRatio(2n * two53 + 3n, 2n, 0)).toBe(2 ** 53 + 2); // just above a tie
    expect(roundRatio(1n, 1n, -1074)).toBe(Number.MIN_VALUE);
    expect(roundRatio(1n, 2n, -1074)).toBe(0); // half the smallest subnormal: tie to 0
    expect(roundRatio(3n, 4n, -1074)).toBe(Number.MIN_VALUE);
    expect(roundRatio(3n, 1n, -1075)).toBe(2 * Number.MIN_VALUE); // 1.5 ulps: tie to even
    expect(roundRatio(1n, 1n, 1024)).toBe(Number.POSITIVE_INFINITY);
    expect(roundRatio(-(2n ** 53n - 1n), 1n, 971)).toBe(-Number.MAX_VALUE);
    expect(roundRatio(0n, 5n, 100)).toBe(0);
    expect(() => roundRatio(1n, 0n, 0)).toThrow(RangeError);
  });
});

describe("sqrtRatio", () => {
  it("rounds like IEEE 754's square root, which is correctly rounded", () => {
    let seed = 11;
    const next = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const a = next() * 2 ** 21 + (next() >>> 11);
      const k = (i % 61) - 30;
      // √(a × 2^(2k)) = √a × 2^k, the scaling exact in this range.
      const want = Math.sqrt(a) * 2 ** k;
      if (!Object.is(sqrtRatio(BigInt(a), 1n, 2 * k), want)) {
        expect.fail(`√(${a} × 2^${2 * k}): ${sqrtRatio(BigInt(a), 1n, 2 * k)}, want ${want}`);
      }
      // An odd exponent: √(2a × 2^(2k − 1)) is the same number.
      expect(sqrtRatio(BigInt(2 * a), 1n, 2 * k - 1)).toBe(want);
    }
    expect(sqrtRatio(1n, 9n, 0)).toBe(1 / 3);
    expect(sqrtRatio(0n, 3n, 5)).toBe(0);
    expect(() => sqrtRatio(-1n, 1n, 0)).toThrow(RangeError);
  });

  it("finds roots in range of ratios out of range", () => {
    expect(sqrtRatio(2n, 1n, 2000)).toBe(Math.SQRT2 * 2 ** 1000);
    expect(sqrtRatio(2n, 1n, -2000)).toBe(Math.SQRT2 * 2 ** -1000);
    expect(sqrtRatio(1n, 1n, 2048)).toBe(Number.POSITIVE_INFINITY);
    expect(sqrtRatio(1n, 1n, -2148)).toBe(Number.MIN_VALUE);
  });
});
