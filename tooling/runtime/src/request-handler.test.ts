import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, stopListening } from "./listen.ts";
import { createModuleLoader, type ModuleLoader } from "./loader.ts";
import { loadProject } from "./project.ts";
import { createRequestHandler, type RequestHandler } from "./request-handler.ts";

// The handler alone, on a bare node:http server: no listeners, reloads or crons of createRuntime.
let root: string;
let loader: ModuleLoader;
let handler: RequestHandler;
let server: Server;
let origin: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "handler-"));
  const files: Record<string, string> = {
    "vercel.json": JSON.stringify({
      redirects: [{ source: "/old", destination: "/api/hello", permanent: false }],
      headers: [{ source: "/(.*)", headers: [{ key: "x-route", value: "yes" }] }],
    }),
    "api/hello.ts": 'export const GET = (r: Request) => Response.json({ ip: r.headers.get("x-real-ip") });\n',
    // undici's own Response, as fetch() gives it (immutable headers).
    "api/forward.ts": 'export const GET = (r: Request) => fetch(new URL("/api/hello", r.url));\n',
    // Subclasses of undici's Response and of the global one.
    "api/subclass.ts": [
      "const Native = Object.getPrototypeOf(Response) as typeof Response;",
      "class NativeSub extends Native { kind = 'native'; }",
      "class GlobalSub extends Response { kind = 'global'; }",
      "export const GET = (r: Request) => {",
      "  const which = new URL(r.url).searchParams.get('which');",
      "  const res = which === 'native' ? new NativeSub('sub', { status: 201 }) : new GlobalSub('sub', { status: 202 });",
      "  res.headers.set('x-kind', res.kind);",
      "  return res;",
      "};",
    ].join("\n"),
    "api/own-headers.ts":
      'export const GET = () => new Response("own", { headers: { "Cache-Control": "no-store", "X-Route": "mine" } });\n',
    "api/stream.ts": [
      "export const GET = () => new Response(new ReadableStream({",
      "  async start(c) {",
      "    c.enqueue(new TextEncoder().encode('one,'));",
      "    await new Promise((r) => setTimeout(r, 20));",
      "    c.enqueue(new TextEncoder().encode('two'));",
      "    c.close();",
      "  },",
      "}), { headers: { 'content-type': 'text/plain' } });",
    ].join("\n"),
    "api/echo.ts": [
      "export const POST = async (r: Request) => Response.json({",
      "  isRequest: r instanceof Request,",
      "  method: r.method,",
      "  type: r.headers.get('content-type'),",
      "  body: await r.json(),",
      "  again: await r.text().catch((e: Error) => e.message),",
      "});",
    ].join("\n"),
    // A header value node refuses to write (a newline), in a plain object the light Response keeps as it is.
    "api/bad-header.ts": 'export const GET = () => new Response("x", { headers: { "x-bad": "a\\nb" } });\n',
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
  loader = await createModuleLoader({ root, mode: "development", watch: false });
  handler = createRequestHandler({ project: await loadProject(root, false), loader });
  server = createServer(handler);
  origin = `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}`;
});

afterAll(async () => {
  await stopListening(server);
  handler.close();
  await loader.close();
  await rm(root, { recursive: true, force: true });
});

describe("createRequestHandler", () => {
  it("runs a function with the route's headers, Vercel's default caching and the real client address", async () => {
    const res = await fetch(`${origin}/api/hello`, { headers: { "x-real-ip": "6.6.6.6" } });
    expect(await res.json()).toEqual({ ip: "127.0.0.1" });
    expect(res.headers.get("x-route")).toBe("yes");
    expect(res.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
  });

  it("writes undici's own Response, subclasses of either Response and a streamed body", async () => {
    const forwarded = await fetch(`${origin}/api/forward`);
    expect([forwarded.status, await forwarded.json()]).toEqual([200, { ip: "127.0.0.1" }]);
    expect(forwarded.headers.get("x-route")).toBe("yes");
    for (const [which, status] of [
      ["native", 201],
      ["global", 202],
    ] as const) {
      const res = await fetch(`${origin}/api/subclass?which=${which}`);
      expect([res.status, res.headers.get("x-kind"), await res.text()]).toEqual([status, which, "sub"]);
    }
    const streamed = await fetch(`${origin}/api/stream`);
    expect([streamed.headers.get("content-type"), await streamed.text()]).toEqual(["text/plain", "one,two"]);
  });

  it("gives a function its body as a Request would, read once", async () => {
    const res = await fetch(`${origin}/api/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ a: [1, "é"] }),
    });
    expect(await res.json()).toEqual({
      isRequest: true,
      method: "POST",
      type: "application/json",
      body: { a: [1, "é"] },
      again: "Body is unusable: Body has already been read",
    });
  });

  it("lets a function's own headers win over the route's and the default caching, every time", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${origin}/api/own-headers`);
      expect([res.headers.get("cache-control"), res.headers.get("x-route"), await res.text()]).toEqual([
        "no-store",
        "mine",
        "own",
      ]);
      const hello = await fetch(`${origin}/api/hello?n=${i % 2}`);
      expect([hello.headers.get("cache-control"), hello.headers.get("x-route")]).toEqual([
        "public, max-age=0, must-revalidate",
        "yes",
      ]);
    }
  });

  it("answers a Response node cannot write with a 500, and goes on serving", async () => {
    const res = await fetch(`${origin}/api/bad-header`);
    expect(res.status).toBe(500);
    expect(res.headers.get("x-bad")).toBeNull();
    // The route's headers are on every answer of its function, this one too.
    expect(res.headers.get("x-route")).toBe("yes");
    expect((await fetch(`${origin}/api/hello`)).status).toBe(200);
  });

  it("answers redirects and misses as Vercel does", async () => {
    const moved = await fetch(`${origin}/old`, { redirect: "manual" });
    expect([moved.status, moved.headers.get("location")]).toEqual([307, "/api/hello"]);
    const missing = await fetch(`${origin}/api/nothing`);
    expect([missing.status, missing.headers.get("x-vercel-error")]).toEqual([404, "NOT_FOUND"]);
  });

  it("serves mounts ahead of routing once they are set", async () => {
    expect((await fetch(`${origin}/__svc/x`)).status).toBe(404);
    handler.setMounts([["/__svc", (request) => new Response(new URL(request.url).pathname)]]);
    expect(await (await fetch(`${origin}/__svc/x`)).text()).toBe("/__svc/x");
    // A route already taken once (and kept, in start mode) gives way to a mount set over it.
    expect((await fetch(`${origin}/api/hello`)).status).toBe(200);
    handler.setMounts([["/api/hello", () => new Response("mounted")]]);
    expect(await (await fetch(`${origin}/api/hello`)).text()).toBe("mounted");
    handler.setMounts([]);
  });
});
