// Every test file that starts a runtime gets its own state: a Workflow SDK data directory (so the
// local world neither resumes runs another test, or a developer's `pnpm dev`, left behind nor leaves
// its own), an in-memory embedded database (the developer's .data/pglite stays untouched and
// unlocked), and an auth secret of its own.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.WORKFLOW_LOCAL_DATA_DIR = mkdtempSync(join(tmpdir(), "tests-world-"));
process.env.PGLITE_DIR = "memory://";
process.env.BETTER_AUTH_SECRET = "tests-secret-tests-secret-tests-secret-0123";
delete process.env.DATABASE_URL;
delete process.env.APP_URL;
