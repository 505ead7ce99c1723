import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // A fresh PGlite runs initdb (about 2 s, more on a loaded machine).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
