import type { Brand } from "@repo/cards/brands";

/**
 * How a brand prints its numbers, for the digit counts it prints that way. A count no grouping
 * covers is grouped in fours, so a 16-digit number that starts like an American Express card reads
 * "3700 0000 0000 0007", not "3700 000000 00000 7".
 */
const GROUPINGS: readonly { brand: Brand; groups: readonly number[]; covers: (digits: number) => boolean }[] =
  [
    // American Express numbers have 15 digits only: a shorter one is on its way to 4-6-5.
    { brand: "amex", groups: [4, 6, 5], covers: (n) => n <= 15 },
    // Diners Club prints 14 digits 4-6-4 but 16 to 19 in fours: only the 14th digit settles it.
    { brand: "diners", groups: [4, 6, 4], covers: (n) => n === 14 },
  ];

/**
 * Groups digits as they are printed on the card: 4-6-5 for American Express, 4-6-4 for 14-digit
 * Diners, fours otherwise (any length a brand's own grouping does not cover included). Keeps only
 * digits, so pasting "4242-4242 …" works.
 *
 * @example formatCardInput("378282246310005", "amex") // "3782 822463 10005"
 * @example formatCardInput("3700000000000007", "amex") // "3700 0000 0000 0007"
 */
export function formatCardInput(raw: string, brand: Brand | null): string {
  const digits = raw.replace(/\D/g, "").slice(0, 19);
  const grouping = GROUPINGS.find((g) => g.brand === brand && g.covers(digits.length));
  if (!grouping) return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
  const out: string[] = [];
  let i = 0;
  for (const size of grouping.groups) {
    if (i >= digits.length) break;
    out.push(digits.slice(i, i + size));
    i += size;
  }
  return out.join(" ");
}
