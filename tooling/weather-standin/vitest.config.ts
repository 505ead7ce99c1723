import { defineConfig } from "vitest/config";

// Requests to the local stand-in are fast, but a loaded 2-core CI machine can stall any one of them
// for seconds: the budgets on paths that should succeed are generous, and so is the test timeout.
export default defineConfig({ test: { testTimeout: 20_000 } });
