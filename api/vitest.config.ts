import { defineConfig } from "vitest/config";

// Test files and this config are kept out of the deployment by .vercelignore, so they never
// become functions.
export default defineConfig({
  test: { include: ["**/*.test.ts"], exclude: ["node_modules/**"] },
});
