import { z } from "zod";

/** Longest input accepted before the digits are even counted: 19 digits with generous separators. */
const MAX_INPUT_LENGTH = 64;
export const MIN_CARD_DIGITS = 12;
export const MAX_CARD_DIGITS = 19;

/**
 * A card number as people type it: digits, optionally grouped with spaces or dashes. Parses to the
 * digits alone. A JSON number is refused on purpose: 16-digit integers lose precision in JSON.
 *
 * @example cardNumberSchema.parse("4242 4242-4242 4242") // "4242424242424242"
 */
export const cardNumberSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'number is required, e.g. {"number": "4242 4242 4242 4242"}'
        : "number must be a string of digits (a JSON number cannot hold 16 digits exactly)",
  })
  .trim()
  .min(1, "number is empty: type the digits on the front of the card")
  .max(MAX_INPUT_LENGTH, `number is too long: at most ${MAX_INPUT_LENGTH} characters`)
  .regex(/^[\d -]+$/, "number may contain only digits, spaces and dashes")
  .transform((value) => value.replace(/[ -]/g, ""))
  .refine((digits) => digits.length >= MIN_CARD_DIGITS && digits.length <= MAX_CARD_DIGITS, {
    error: (issue) =>
      `number must have ${MIN_CARD_DIGITS} to ${MAX_CARD_DIGITS} digits; it has ${String(issue.input).length}`,
  });

/** The body of `POST /api/validate/card`. Unknown fields are ignored. */
export const cardCheckRequestSchema = z.object({ number: cardNumberSchema });

export type CardCheckRequest = z.output<typeof cardCheckRequestSchema>;
