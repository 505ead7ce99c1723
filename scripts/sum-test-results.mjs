// Adds up the vitest JSON reports that scripts/check.sh asked every package for, and prints one
// plain closing line ("N passed, N failed") that any CI can read.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const reports = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (/^vitest-.*\.json$/.test(entry.name) && dir.endsWith("test-results")) reports.push(path);
  }
};
walk(".");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const path of reports) {
  const r = JSON.parse(readFileSync(path, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}
console.log(`\n${reports.length} test reports`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || reports.length === 0 ? 1 : 0);
