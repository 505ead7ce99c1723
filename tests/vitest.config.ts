import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "http",
          include: ["http/**/*.test.ts"],
          setupFiles: ["support/isolate.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "security",
          include: ["security/**/*.test.ts"],
          setupFiles: ["support/isolate.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "browser",
          include: ["browser/**/*.test.ts"],
          setupFiles: ["support/isolate.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "vercel",
          include: ["vercel/**/*.test.ts"],
          setupFiles: ["support/isolate.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
