import { type Brand, detectBrand } from "./brands.ts";
import { luhnValid } from "./luhn.ts";

export interface CardAnalysis {
  /** True when the brand is known, the length fits the brand and the Luhn check passes. */
  valid: boolean;
  brand: Brand | null;
  brandName: string | null;
  luhn: boolean;
  length: number;
  /** Lengths the brand allows; empty when the brand is unknown. */
  expectedLengths: number[];
  cvcLength: number | null;
  /** Only the last four digits, as receipts print them. */
  masked: string;
  /** Why the number is not valid, in words a person can act on; empty when valid. */
  reasons: string[];
}

function listLengths(lengths: readonly number[]): string {
  const first = lengths[0];
  const last = lengths[lengths.length - 1];
  if (
    lengths.length > 2 &&
    first !== undefined &&
    last !== undefined &&
    last - first === lengths.length - 1
  ) {
    return `${first} to ${last}`;
  }
  if (lengths.length <= 1) return String(first ?? "");
  return `${lengths.slice(0, -1).join(", ")} or ${last}`;
}

/** Masks all but the last four digits. @example maskCard("4242424242424242") // "•••• 4242" */
export function maskCard(digits: string): string {
  return `•••• ${digits.slice(-4)}`;
}

/**
 * Everything a card form needs to know about a number, without contacting any network.
 *
 * @param digits - the number with spaces and dashes already removed
 * @example analyzeCard("4242424242424242").valid // true
 */
export function analyzeCard(digits: string): CardAnalysis {
  const rule = detectBrand(digits);
  const luhn = luhnValid(digits);
  const reasons: string[] = [];
  if (!rule) {
    reasons.push("The first digits do not belong to any card brand this service knows.");
  } else if (!rule.lengths.includes(digits.length)) {
    reasons.push(
      `${rule.name} numbers have ${listLengths(rule.lengths)} digits; this one has ${digits.length}.`,
    );
  }
  if (!luhn) {
    reasons.push("The check digit does not match (Luhn check failed): a digit is probably mistyped.");
  }
  return {
    valid: reasons.length === 0,
    brand: rule?.brand ?? null,
    brandName: rule?.name ?? null,
    luhn,
    length: digits.length,
    expectedLengths: rule ? [...rule.lengths] : [],
    cvcLength: rule?.cvcLength ?? null,
    masked: maskCard(digits),
    reasons,
  };
}
