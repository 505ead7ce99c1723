import type { z } from "zod";

/** Validation messages by field path ("number", "place.city"); "" holds errors about the whole input. */
export type FieldErrors = Record<string, string[]>;

/**
 * Flattens zod issues into messages by dotted field path, for JSON error bodies and form fields.
 *
 * @example fieldErrors(schema.safeParse({}).error) // { number: ["number is required, …"] }
 */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".");
    const list = out[key] ?? [];
    list.push(issue.message);
    out[key] = list;
  }
  return out;
}

/** One sentence naming the first problem, for the `message` of an error response. */
export function firstMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "The input is not valid.";
  return issue.message;
}
