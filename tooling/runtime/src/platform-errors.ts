/**
 * Answers the platform itself gives, before or around a function, in Vercel's form: a short text
 * body naming the error code, and the code in `x-vercel-error`.
 * https://vercel.com/docs/errors
 */
export const PLATFORM_ERRORS = {
  FUNCTION_PAYLOAD_TOO_LARGE: { status: 413, title: "Request Entity Too Large" },
  FUNCTION_INVOCATION_TIMEOUT: { status: 504, title: "Gateway Timeout" },
  FUNCTION_INVOCATION_FAILED: { status: 500, title: "Internal Server Error" },
  NOT_FOUND: { status: 404, title: "The page could not be found." },
  DEPLOYMENT_NOT_READY: { status: 503, title: "Service Unavailable" },
} as const;

export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;

/** The request body limit of a Vercel function: 4.5 MB. */
export const BODY_LIMIT_BYTES = 4.5 * 1024 * 1024;

export function platformError(code: PlatformErrorCode, detail?: string): Response {
  const { status, title } = PLATFORM_ERRORS[code];
  const body = `${title}\n\n${code}${detail ? `\n\n${detail}` : ""}\n`;
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "x-vercel-error": code,
      "cache-control": "no-store",
    },
  });
}
