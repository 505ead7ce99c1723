import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const config: NextConfig = {
  // A static export: Vercel serves it from the CDN and the api/ functions sit beside it.
  output: "export",
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages are TypeScript in development (the `development` export condition).
  transpilePackages: ["@repo/blob-store", "@repo/cards", "@repo/validation"],
  turbopack: { root: fileURLToPath(new URL("../..", import.meta.url)) },
  typescript: { ignoreBuildErrors: false },
};

export default config;
