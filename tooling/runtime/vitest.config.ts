import { defineConfig } from "vitest/config";

// The dev-mode tests compile TypeScript functions on first request and wait up to 10 s for file
// watchers; on a loaded 2-core CI machine with other packages testing alongside, the default 5 s
// cut them off before their own polling budget ran out.
export default defineConfig({ test: { testTimeout: 30_000 } });
