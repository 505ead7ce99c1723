import { z } from "zod";
import { single, wholeNumber } from "./query.ts";

/** What a ZIP code looks like, for error messages and form hints. */
export const ZIPCODE_HINT = "5 digits like 48824, or ZIP+4 like 48824-1234";

/**
 * A US ZIP code as people type it. Parses to the five-digit ZIP as a string, never a number:
 * leading zeros matter (02134 is Boston, 00601 is Adjuntas, PR). ZIP+4 keeps its first five digits.
 *
 * @example zipcodeSchema.parse(" 02134-1234 ") // "02134"
 */
export const zipcodeSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined ? "zipcode is required, e.g. ?zipcode=48824" : "zipcode must be text",
  })
  .trim()
  .min(1, `zipcode is empty: give ${ZIPCODE_HINT}`)
  .regex(/^\d{5}(?:-\d{4})?$/, `zipcode must be ${ZIPCODE_HINT}`)
  .transform((zip) => zip.slice(0, 5));

export const UNITS = ["imperial", "metric"] as const;
export type Units = (typeof UNITS)[number];
export const DAYS = { min: 1, max: 16, default: 7 } as const;
export const HOURS = { min: 0, max: 168, default: 24 } as const;

/**
 * The query of `GET /api/weather`. Parameters it does not know are ignored (cache-busters and
 * analytics tags are common); a known one given twice is an error naming it.
 *
 * @example weatherQuerySchema.parse(queryRecord(new URLSearchParams("zipcode=48824&days=3")))
 */
export const weatherQuerySchema = z.object({
  zipcode: single("zipcode").pipe(zipcodeSchema),
  units: single("units").pipe(
    z
      .enum(UNITS, { error: () => "units must be imperial (°F, mph, inch) or metric (°C, km/h, mm)" })
      .optional()
      .default("imperial"),
  ),
  days: wholeNumber("days", DAYS),
  hours: wholeNumber("hours", HOURS),
});

export type WeatherQuery = z.output<typeof weatherQuerySchema>;
