/**
 * The servers under test, each started in a child process of its own so that the load generator
 * does not share an event loop (or a core's time slice) with the server it measures.
 * (pnpm dev and pnpm start run from runtime-server.mjs, without tsx.)
 * Usage: tsx servers.ts floor|hono-peer <port>
 */
import { createServer } from "node:http";
import { analyzeCard } from "@repo/cards/analyze";

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
} else if (kind === "hono-peer") {
  // A peer runtime: @hono/node-server (with its default lightweight Request and Response) serving
  // the same function modules, loaded as pnpm start loads them (workspace packages from dist), with
  // no routing beyond a path lookup: what the same handlers cost behind another adapter.
  const { serve } = await import("@hono/node-server");
  const modules: Record<string, Record<string, unknown>> = {
    "/api/health": await import("../../api/health.ts"),
    "/api/weather": await import("../../api/weather.ts"),
    "/api/validate/card": await import("../../api/validate/card.ts"),
  };
  serve(
    {
      port,
      hostname: "127.0.0.1",
      fetch: (request: Request) => {
        const { pathname } = new URL(request.url);
        const handler = modules[pathname]?.[request.method];
        if (typeof handler !== "function") return new Response("Not Found", { status: 404 });
        return (handler as (request: Request) => Response | Promise<Response>)(request);
      },
    },
    () => process.send?.("ready"),
  );
} else {
  console.error(`unknown server ${kind}`);
  process.exit(2);
}
