#!/usr/bin/env node
// Starts the weather stand-in for offline development:
//   pnpm --filter @repo/weather-standin... build && pnpm --filter @repo/weather-standin standin --port 3999
//   OPEN_METEO_BASE_URL=http://127.0.0.1:3999 NWS_BASE_URL=http://127.0.0.1:3999 pnpm dev
// (`pnpm dev:offline` runs the app with a stand-in of its own, in one terminal.)
// Its data is generated, not weather: never point a deployment at it.
import { parseArgs } from "node:util";

const usage = `Usage: weather-standin [--port 3999] [--host 127.0.0.1] [--mode ok] [--timezone Area/City] [--slow-ms 10000]`;

let args;
try {
  args = parseArgs({
    options: {
      port: { type: "string", default: "3999" },
      host: { type: "string", default: "127.0.0.1" },
      mode: { type: "string", multiple: true },
      timezone: { type: "string" },
      "slow-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n${usage}`);
  process.exit(2);
}
if (args.values.help) {
  console.log(usage);
  process.exit(0);
}

let standinModule;
try {
  standinModule = await import("../dist/standin.js");
} catch (error) {
  if (error && typeof error === "object" && "code" in error && error.code === "ERR_MODULE_NOT_FOUND") {
    console.error("The stand-in is not built yet: run `pnpm --filter @repo/weather-standin... build` first.");
    process.exit(1);
  }
  throw error;
}

// A positional port ("weather-standin 4000") is accepted too.
const port = Number(args.positionals[0] ?? args.values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Not a port: ${args.positionals[0] ?? args.values.port}\n${usage}`);
  process.exit(2);
}
let standin;
try {
  standin = await standinModule.startStandin({
    port,
    host: args.values.host,
    mode: args.values.mode,
    timezone: args.values.timezone,
    slowMs: args.values["slow-ms"] === undefined ? undefined : Number(args.values["slow-ms"]),
  });
} catch (error) {
  // A busy port or an unknown mode/zone: one line, not a stack trace.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

console.log(`Weather stand-in (generated data, NOT real weather) at ${standin.url}`);
console.log(`  OPEN_METEO_BASE_URL=${standin.url} NWS_BASE_URL=${standin.url} pnpm dev`);
console.log(`  modes: ${standinModule.STANDIN_MODES.join(", ")}`);
console.log(
  `  curl -X POST ${standin.url}/__standin/mode -H 'content-type: application/json' -d '{"mode":"error500"}'`,
);

const stop = () => {
  standin.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
