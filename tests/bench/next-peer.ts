/**
 * The `next start` peer: the same function modules served as Next.js route handlers, by a
 * throwaway app this file writes under tests/.next-peer/ (git-ignored) and builds with the web
 * app's own `next`, on webpack (see the config below for why not Turbopack).
 * One route file per endpoint, each re-exporting the function's handlers: what the same handlers
 * cost behind Next's production server.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./measure.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const dir = `${repo}tests/.next-peer`;
// The web app's node_modules: next, react and react-dom, at the versions the web app builds with.
const webModules = `${repo}apps/web/node_modules`;
const nextBin = `${webModules}/next/dist/bin/next`;

/** The functions served, by their path under app/ (and under /api/ on Vercel). */
const ROUTES: Record<string, string> = {
  "api/health": "api/health.ts",
  "api/weather": "api/weather.ts",
  "api/validate/card": "api/validate/card.ts",
};

function write(path: string, text: string): void {
  mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  writeFileSync(path, text);
}

/** Writes the app and runs `next build` on it; a minute or so on this machine. */
export async function buildNextPeer(): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  symlinkSync(webModules, `${dir}/node_modules`, "dir");
  write(`${dir}/package.json`, `${JSON.stringify({ private: true, type: "module" })}\n`);
  // api/ sits outside the app and names its TypeScript files with `.js`: webpack, which has an alias
  // for that (Turbopack has none). `new URL(file, import.meta.url)` stays a file URL read in place,
  // as under Node (webpack would make it an asset URL of its own that node:fs refuses).
  write(
    `${dir}/next.config.mjs`,
    `export default {
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: true },
  experimental: { externalDir: true, extensionAlias: { ".js": [".ts", ".js"] } },
  webpack(config) {
    config.module.parser = { ...config.module.parser };
    config.module.parser.javascript = { ...config.module.parser.javascript, url: false };
    return config;
  },
};
`,
  );
  for (const [route, file] of Object.entries(ROUTES)) {
    // Every method the function exports, as Next calls a route handler's named exports. Dynamic:
    // Next would otherwise run a GET once at build time and serve the stored answer.
    // Relative: Turbopack does not resolve an absolute path.
    const from = relative(`${dir}/app/${route}`, `${repo}${file}`);
    write(
      `${dir}/app/${route}/route.js`,
      `export { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } from ${JSON.stringify(from)};\n` +
        `export const dynamic = "force-dynamic";\n`,
    );
  }
  const build = spawn(process.execPath, [nextBin, "build", "--webpack", dir], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  build.stdout?.on("data", (chunk) => (output += chunk));
  build.stderr?.on("data", (chunk) => (output += chunk));
  const [code] = await once(build, "exit");
  if (code !== 0) throw new Error(`next build of the peer failed:\n${output}`);
}

/** `next start` on the built app, on the node binary `execPath`, once it answers. */
export async function startNextPeer(
  env: Record<string, string>,
  execPath: string = process.execPath,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    execPath,
    [nextBin, "start", dir, "--port", String(port), "--hostname", "127.0.0.1"],
    {
      cwd: dir,
      env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      await (await fetch(`${url}/api/health`)).text();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error("next start did not answer within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    url,
    pid: child.pid ?? -1,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
