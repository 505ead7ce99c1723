// Every test file that starts a runtime gets its own Workflow SDK data directory, so the local world
// neither resumes runs another test (or a developer's `pnpm dev`) left behind nor leaves its own.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.WORKFLOW_LOCAL_DATA_DIR = mkdtempSync(join(tmpdir(), "tests-world-"));
