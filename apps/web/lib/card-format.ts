import type { Brand } from "@repo/cards/brands";

/**
 * Groups digits as they are printed on the card: 4-6-5 for American Express, 4-6-4 for 14-digit
 * Diners, fours otherwise. Keeps only digits, so pasting "4242-4242 …" works.
 *
 * @example formatCardInput("378282246310005", "amex") // "3782 822463 10005"
 */
export function formatCardInput(raw: string, brand: Brand | null): string {
  const digits = raw.replace(/\D/g, "").slice(0, 19);
  const groups = brand === "amex" ? [4, 6, 5] : brand === "diners" && digits.length === 14 ? [4, 6, 4] : null;
  if (groups) {
    const out: string[] = [];
    let i = 0;
    for (const size of groups) {
      if (i >= digits.length) break;
      out.push(digits.slice(i, i + size));
      i += size;
    }
    if (i < digits.length) out.push(digits.slice(i));
    return out.join(" ");
  }
  return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
}
