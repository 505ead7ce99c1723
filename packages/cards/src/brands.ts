/** The card schemes recognised by their issuer identification number (IIN) ranges. */
export type Brand =
  | "visa"
  | "mastercard"
  | "amex"
  | "discover"
  | "jcb"
  | "diners"
  | "unionpay"
  | "maestro"
  | "mir";

export interface BrandRule {
  brand: Brand;
  name: string;
  /** Inclusive ranges of the leading digits; both ends have the same number of digits. */
  ranges: ReadonlyArray<readonly [number, number]>;
  /** Allowed total lengths of the number. */
  lengths: readonly number[];
  /** Digits of the security code printed on the card. */
  cvcLength: number;
}

const span = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * IIN ranges and lengths as the schemes publish them (ISO/IEC 7812 registrations summarised by
 * Wikipedia's "Payment card number" table). Where ranges overlap, the longer (more specific) prefix
 * wins, e.g. Discover's co-branded 622126–622925 inside UnionPay's 62.
 */
export const BRAND_RULES: readonly BrandRule[] = [
  { brand: "visa", name: "Visa", ranges: [[4, 4]], lengths: [13, 16, 19], cvcLength: 3 },
  {
    brand: "mastercard",
    name: "Mastercard",
    ranges: [
      [51, 55],
      [2221, 2720],
    ],
    lengths: [16],
    cvcLength: 3,
  },
  {
    brand: "amex",
    name: "American Express",
    ranges: [
      [34, 34],
      [37, 37],
    ],
    lengths: [15],
    cvcLength: 4,
  },
  {
    brand: "discover",
    name: "Discover",
    ranges: [
      [6011, 6011],
      [644, 649],
      [65, 65],
      [622126, 622925],
    ],
    lengths: span(16, 19),
    cvcLength: 3,
  },
  { brand: "jcb", name: "JCB", ranges: [[3528, 3589]], lengths: span(16, 19), cvcLength: 3 },
  {
    brand: "diners",
    name: "Diners Club",
    ranges: [
      [300, 305],
      [3095, 3095],
      [36, 36],
      [38, 39],
    ],
    lengths: span(14, 19),
    cvcLength: 3,
  },
  { brand: "unionpay", name: "UnionPay", ranges: [[62, 62]], lengths: span(16, 19), cvcLength: 3 },
  {
    brand: "maestro",
    name: "Maestro",
    ranges: [
      [5018, 5018],
      [5020, 5020],
      [5038, 5038],
      [5893, 5893],
      [6304, 6304],
      [6759, 6759],
      [6761, 6763],
    ],
    lengths: span(12, 19),
    cvcLength: 3,
  },
  { brand: "mir", name: "Mir", ranges: [[2200, 2204]], lengths: span(16, 19), cvcLength: 3 },
];

/**
 * The scheme a number belongs to, by the most specific IIN range its leading digits fall in.
 * Works on a partial number too (as someone types), once enough digits are there.
 *
 * @example detectBrand("4242")?.brand // "visa"
 * @example detectBrand("2221000000000009")?.brand // "mastercard"
 */
export function detectBrand(digits: string): BrandRule | null {
  // Longest prefix first: the first range that matches is the most specific one.
  let width = 0;
  let lead = 0;
  for (const range of RANGES_BY_WIDTH) {
    if (digits.length < range.width) continue;
    if (range.width !== width) {
      width = range.width;
      lead = Number(digits.slice(0, width));
    }
    if (lead >= range.from && lead <= range.to) return range.rule;
  }
  return null;
}

/**
 * Every rule's ranges, widest prefix first and otherwise in table order (so that the first rule
 * listed wins a tie), with their widths counted once: detectBrand ran on every card check, counting
 * them per call (issue 15).
 */
const RANGES_BY_WIDTH = BRAND_RULES.flatMap((rule) =>
  rule.ranges.map(([from, to]) => ({ rule, from, to, width: String(from).length })),
).sort((a, b) => b.width - a.width);
