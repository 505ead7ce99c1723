import { defineConfig } from "vitest/config";

// Test files and this config are kept out of the deployment by .vercelignore, so they never
// become functions.
export default defineConfig({
  // Generous: a loaded 2-core CI machine can stall the weather stand-in for seconds.
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    setupFiles: ["vitest.setup.ts"],
    testTimeout: 20_000,
  },
});
