import { z } from "zod";

/** A query value: one string, or several when the parameter was repeated. */
export type QueryValue = string | string[] | undefined;

/**
 * Query parameters as a record, keeping every value of a repeated parameter, for a query schema.
 *
 * @example weatherQuerySchema.parse(queryRecord(new URL(request.url).searchParams))
 */
export function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? (all[0] ?? "") : all;
  }
  return out;
}

/**
 * One query parameter, given at most once: a repeated one is an error naming it (two values for
 * one setting mean the caller is confused, and picking one would hide it).
 *
 * @example single("cursor").pipe(z.string().optional())
 */
export function single(name: string) {
  return z
    .custom<QueryValue>()
    .optional()
    .transform((value, ctx) => {
      if (Array.isArray(value)) {
        ctx.addIssue({ code: "custom", message: `${name} was given ${value.length} times; give it once` });
        return z.NEVER;
      }
      return value;
    });
}

/**
 * A required parameter, given once and not empty; `example` shows it in the message.
 *
 * @example required("path", "?path=uploads/report.csv")
 */
export function required(name: string, example: string) {
  const message = `${name} is required, e.g. ${example}`;
  return single(name).pipe(z.string({ error: () => message }).min(1, message));
}

/**
 * A whole number in a range, with a default when the parameter is absent. Digits only: "1e2",
 * "7.5" and "" are refused rather than read as numbers.
 *
 * @example wholeNumber("limit", { min: 1, max: 1000, default: 100 })
 */
export function wholeNumber(name: string, range: { min: number; max: number; default: number }) {
  const message = `${name} must be a whole number from ${range.min} to ${range.max}`;
  return single(name).pipe(
    z
      .string()
      .regex(/^\d{1,4}$/, message)
      .transform(Number)
      .pipe(z.number().min(range.min, message).max(range.max, message))
      .optional()
      .default(range.default),
  );
}

/**
 * "true" or "false", read as a boolean; absent is `false`.
 *
 * @example flag("overwrite").parse("true") // true
 */
export function flag(name: string) {
  return single(name).pipe(
    z
      .enum(["true", "false"], { error: () => `${name} must be true or false` })
      .optional()
      .transform((value) => value === "true"),
  );
}
