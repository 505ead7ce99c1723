import { randomBytes } from "node:crypto";

/**
 * The region part of a local request id. Vercel's ids read `<edge region>::<function region>::<id>`
 * (`cdg1::iad1::8tz2q-1733500000000-3e1c0a9b7f2d`); the local runtime is one region, "dev1".
 */
const REGION = "dev1";

/** Random once per process: the counter after it keeps ids unique without asking for entropy per request. */
const PROCESS_PART = randomBytes(4).toString("hex");
const PREFIX = `${REGION}::${PROCESS_PART}-`;
let sequence = 0;
/** The clock part, made again only when the millisecond changes (issue 15: a radix conversion per request). */
let clockAt = -1;
let clockPart = "";

/**
 * A request id in the form Vercel gives one to every invocation (the `x-vercel-id` header the
 * function sees and the response carries): unique within and across runs of the runtime.
 *
 * @example
 * newRequestId(); // "dev1::3f9a0c1e-m4k2x1a0-1"
 */
export function newRequestId(): string {
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  const now = Date.now();
  if (now !== clockAt) {
    clockAt = now;
    clockPart = `${PREFIX}${now.toString(36)}-`;
  }
  return clockPart + sequence.toString(36);
}

/** The header the id travels in, both ways. */
export const REQUEST_ID_HEADER = "x-vercel-id";
