/**
 * The Luhn (mod 10) check digit test used by every major card scheme. It catches any single mistyped
 * digit and most swaps of two adjacent digits, which is why forms run it before anything else.
 *
 * @param digits - the card number, digits only
 * @example luhnValid("4242424242424242") // true
 */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
