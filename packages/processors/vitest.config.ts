import { defineConfig } from "vitest/config";

// Generous: worker-thread tests start several isolates, which a loaded 2-core CI machine can take
// seconds to do.
export default defineConfig({ test: { include: ["src/**/*.test.ts"], testTimeout: 60_000 } });
