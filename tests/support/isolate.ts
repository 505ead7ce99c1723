// Every test file that starts a runtime gets its own state: a Workflow SDK data directory (so the
// local world neither resumes runs another test, or a developer's `pnpm dev`, left behind nor leaves
// its own), an in-memory embedded database (the developer's .data/pglite stays untouched and
// unlocked), an auth secret of its own, and rate limits out of the way.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.WORKFLOW_LOCAL_DATA_DIR = mkdtempSync(join(tmpdir(), "tests-world-"));
process.env.PGLITE_DIR = "memory://";
process.env.BETTER_AUTH_SECRET = "tests-secret-tests-secret-tests-secret-0123";
delete process.env.DATABASE_URL;
delete process.env.APP_URL;
// Tests sign up and upload far faster than people; the test of the limits sets its own.
for (const name of [
  "RATE_LIMIT_SIGN_IN_PER_MINUTE",
  "RATE_LIMIT_UPLOAD_TOKENS_PER_MINUTE",
  "RATE_LIMIT_UPLOADS_PER_MINUTE",
  "RATE_LIMIT_REPROCESS_PER_MINUTE",
]) {
  process.env[name] = "10000";
}
