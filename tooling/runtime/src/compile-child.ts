import { readFileSync } from "node:fs";
import { compileSources } from "./function-compiler.ts";

/**
 * The process `vercel-local start` runs to compile the project's TypeScript (compiled-loader.ts),
 * so that the compiler, and the memory it takes, leave with it. It reads `{ root, files, outDir }`
 * as JSON on stdin (a list of files may outgrow an argument). A failure is one message on stderr
 * and exit code 1.
 */
try {
  compileSources(JSON.parse(readFileSync(0, "utf8")) as Parameters<typeof compileSources>[0]);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
