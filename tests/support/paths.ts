import { fileURLToPath } from "node:url";

/** The repository root: vercel.json, api/, apps/. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
