import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC.
const ANSI = /\u001b\[[0-9;]*m/g;
const BANNER_URL = /^\s*-\s*(?:Local|Network):\s/;

/**
 * Whether a line of the web app's dev server output should reach the console. Next prints a banner
 * naming the private port the runtime proxies to ("- Local: http://127.0.0.1:43111"); a developer
 * who opened that URL would get pages without the functions beside them, so those lines are
 * dropped and the runtime prints the one URL to use. Everything else, errors and warnings
 * included, passes.
 *
 * @example
 * showDevLine("- Local:         http://127.0.0.1:43111", 43111); // false
 * showDevLine("⚠ Compiled with warnings", 43111); // true
 */
export function showDevLine(line: string, privatePort: number): boolean {
  const plain = line.replace(ANSI, "");
  return !(BANNER_URL.test(plain) && plain.includes(`:${privatePort}`));
}

/** Copies a child's output to ours line by line, leaving out what showDevLine drops. */
export function forwardDevOutput(from: Readable, to: Writable, privatePort: number): void {
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    if (showDevLine(line, privatePort)) to.write(`${line}\n`);
  });
}
