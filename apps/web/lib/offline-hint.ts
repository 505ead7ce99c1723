/** The statuses /api/weather answers when the weather service itself failed or could not be reached. */
const UPSTREAM_DOWN = new Set([502, 503, 504]);

/**
 * Whether the weather error card says how to run with the built-in stand-in (`pnpm dev:offline`):
 * when the weather service failed or could not be reached, and only in a development build, that is
 * on the machine of whoever runs the app; never to a deployment's visitors.
 *
 * @example showsOfflineHint({ status: 502, code: "upstream_unreachable" }, "development") // true
 */
export function showsOfflineHint(error: { status: number; code: string }, mode: string | undefined): boolean {
  return mode === "development" && UPSTREAM_DOWN.has(error.status) && error.code.startsWith("upstream_");
}
