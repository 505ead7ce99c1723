/**
 * The servers under test, each started in a child process of its own so that the load generator
 * does not share an event loop (or a core's time slice) with the server it measures.
 * Usage: tsx servers.ts floor|runtime-dev|runtime-start <port>
 */
import { createServer } from "node:http";
import { analyzeCard } from "@repo/cards/analyze";
import { createRuntime } from "@repo/runtime";
import { REPO_ROOT } from "../support/paths.js";

const [kind, portArg] = process.argv.slice(2);
const port = Number(portArg);

if (kind === "floor") {
  // The floor: node:http answering the same JSON, computed once, with no routing at all. FLOOR_BODY
  // carries another endpoint's answer when the floor stands beside that endpoint.
  const body = process.env.FLOOR_BODY ?? JSON.stringify(analyzeCard("4242424242424242"));
  createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(body);
    });
  }).listen(port, "127.0.0.1", () => process.send?.("ready"));
} else if (kind === "runtime-dev" || kind === "runtime-start") {
  const runtime = await createRuntime({
    root: REPO_ROOT,
    mode: kind === "runtime-dev" ? "dev" : "start",
    port,
    host: "127.0.0.1",
    app: false,
    // A timer firing mid-measurement would measure it too.
    crons: false,
  });
  process.send?.("ready");
  process.on("SIGTERM", () => void runtime.close().then(() => process.exit(0)));
} else {
  console.error(`unknown server ${kind}`);
  process.exit(2);
}
