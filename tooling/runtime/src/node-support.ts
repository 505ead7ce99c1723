/**
 * A line for `pnpm start` on a Node major that is past its end of life, or "": `pnpm start` is the
 * self-hosting path, and its targets (issue 15) are met and judged on the major functions run on in
 * production. On Node 20 AsyncLocalStorage, which attributes each invocation's console output, runs
 * a hook for every promise and tick, which Node 24 does not.
 */
export function endOfLifeNote(version: string): string {
  const major = Number(version.split(".")[0]);
  if (major >= 22) return "";
  return `  Node ${version} is past its end of life, and Vercel runs functions on Node 22 and 24 only: run pnpm start on Node 24 in production (it also serves more requests per CPU there).\n`;
}
