import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IncomingHead, plainRequestUrl } from "./incoming-head.ts";
import { writeLightResponse } from "./write-response.ts";

// Both the runtime's writer and @hono/node-server's listener on one server: a request's
// `x-writer` header picks which one answers, and the test compares the bytes each put on the wire.
let server: Server;
let port: number;
let makeResponse: () => Response;
const seen: { hono?: string; head?: IncomingHead } = {};
/** A route's headers and a request id, as the runtime adds them under a function's Response. */
const ADDED: Record<string, string> = {
  "x-vercel-id": "dev1::1234abcd-m0-1",
  "x-frame-options": "DENY",
  "Cache-Control": "public, max-age=0, must-revalidate",
  "content-security-policy": "default-src 'self'",
};

beforeAll(async () => {
  // The same listener options as request-handler.ts: the light global Response is installed.
  const hono = getRequestListener(
    (request) => {
      seen.hono = request.url;
      return makeResponse();
    },
    { overrideGlobalObjects: true },
  );
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const writer = req.headers["x-writer"];
    if (writer === "runtime" || writer === "runtime-added") {
      const url = plainRequestUrl(req);
      seen.head = url === undefined ? undefined : new IncomingHead(req, url);
      // In two parts, as the runtime gives them: the request id, then the route's headers.
      const { "x-vercel-id": id, ...route } = ADDED;
      const added = writer === "runtime-added" ? [{ "x-vercel-id": id as string }, route] : undefined;
      if (!writeLightResponse(makeResponse(), res, added)) res.writeHead(599).end("not written");
      return;
    }
    // What the runtime did before `added`: the same headers set on the response first, which
    // writeHead then merges the Response's own over.
    if (writer === "hono-added") for (const name in ADDED) res.setHeader(name, ADDED[name] as string);
    void hono(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The raw answer to a raw HTTP/1.1 request, its Date header taken out. */
function raw(lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(`${lines.join("\r\n")}\r\n\r\n`));
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    socket.on("end", () => resolve(text.replace(/\r\nDate: [^\r]*/, "")));
    socket.on("error", reject);
  });
}

const both = async (target = "/x", host = `127.0.0.1:${port}`) => {
  const ask = (writer: string) =>
    raw([`GET ${target} HTTP/1.1`, `Host: ${host}`, `x-writer: ${writer}`, "Connection: close"]);
  return { runtime: await ask("runtime"), hono: await ask("hono") };
};

describe("writeLightResponse", () => {
  const cases: [string, () => Response][] = [
    [
      "a JSON string with plain headers",
      () => new Response('{"a":1}', { headers: { "content-type": "application/json" } }),
    ],
    ["a status and no body", () => new Response(null, { status: 204, headers: { "x-a": "1" } })],
    [
      "bytes",
      () => new Response(new TextEncoder().encode("héllo"), { status: 201, headers: { "x-b": "2" } }),
    ],
    ["its own content-length", () => new Response("abc", { headers: { "Content-Length": "3" } })],
    ["chunked by its own header", () => new Response("abc", { headers: { "transfer-encoding": "chunked" } })],
    ["Response.json", () => Response.json({ a: 1 }, { status: 400 })],
    [
      "a multi-byte string",
      () => new Response("€uro", { status: 404, headers: { "content-type": "text/plain" } }),
    ],
  ];
  for (const [name, make] of cases) {
    it(`writes ${name} byte for byte as @hono/node-server does`, async () => {
      makeResponse = make;
      const { runtime, hono } = await both();
      expect(runtime).not.toContain(" 599 ");
      expect(runtime).toBe(hono);
    });
  }

  it("writes added headers under the Response's own, as node's merge of set headers did", async () => {
    const lines = (text: string) => text.split("\r\n").sort();
    const responses: (() => Response)[] = [
      () => new Response('{"a":1}', { headers: { "content-type": "application/json" } }),
      // Its own cache-control (in another case) and request id win over the added ones.
      () => new Response("x", { headers: { "cache-control": "no-store", "X-Vercel-Id": "mine" } }),
      () => new Response(null, { status: 204, headers: {} }),
    ];
    for (const make of responses) {
      makeResponse = make;
      const ask = (writer: string) =>
        raw([`GET /x HTTP/1.1`, `Host: 127.0.0.1:${port}`, `x-writer: ${writer}`, "Connection: close"]);
      const runtime = await ask("runtime-added");
      const before = await ask("hono-added");
      expect(runtime).toMatch(/^HTTP\/1.1 20[04] /);
      expect(lines(runtime)).toEqual(lines(before));
    }
    makeResponse = responses[1] as () => Response;
    const own = await raw([
      `GET /x HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      "x-writer: runtime-added",
      "Connection: close",
    ]);
    expect(lines(own)).toEqual(
      expect.arrayContaining(["cache-control: no-store", "X-Vercel-Id: mine", "x-frame-options: DENY"]),
    );
    expect(own).not.toContain("max-age=0");
    expect(own).not.toContain("dev1::");
  });

  it("leaves every other Response to the listener, writing nothing", async () => {
    const others: (() => Response)[] = [
      () => new Response("no headers"),
      () => new Response("a Headers", { headers: new Headers({ "x-a": "1" }) }),
      () => new Response(new ReadableStream({ start: (c) => c.close() }), { headers: {} }),
      () => {
        const r = new Response("read as real", { headers: { "x-a": "1" } });
        void r.body;
        return r;
      },
    ];
    for (const make of others) {
      makeResponse = make;
      expect((await both()).runtime).toMatch(/^HTTP\/1.1 599 /);
    }
  });
});

describe("plainRequestUrl", () => {
  it("gives the URL @hono/node-server gives a plain request", async () => {
    makeResponse = () => new Response("ok", { headers: {} });
    for (const target of ["/x", "/api/weather?zipcode=48824", "/A-Z~_!$"]) {
      await both(target);
      expect(seen.head?.url).toBe(seen.hono);
    }
    await both("/x", `localhost:${port}`);
    expect(seen.head?.url).toBe(seen.hono);
  });

  it("gives up on anything @hono/node-server normalises", async () => {
    makeResponse = () => new Response("ok", { headers: {} });
    for (const [target, host] of [
      ["/a/../b", `127.0.0.1:${port}`],
      ["/a/./b", `127.0.0.1:${port}`],
      ["/a?e=%20f", `127.0.0.1:${port}`],
      ["/é", `127.0.0.1:${port}`],
      ["/x", `LOCALHOST:${port}`],
      ["/x", "localhost:80"],
      ["http://localhost/x", "localhost"],
    ] as const) {
      await both(target, host);
      expect(seen.head).toBeUndefined();
    }
  });

  it("makes the request's Headers from node's raw headers, once, when read", async () => {
    makeResponse = () => new Response("ok", { headers: {} });
    await raw([
      "GET /x HTTP/1.1",
      `Host: 127.0.0.1:${port}`,
      "x-writer: runtime",
      "X-Two: a",
      "x-two: b",
      "Connection: close",
    ]);
    const head = seen.head as IncomingHead;
    expect(head.method).toBe("GET");
    expect(head.headers.get("x-two")).toBe("a, b");
    expect(head.headers.get("host")).toBe(`127.0.0.1:${port}`);
    expect(head.headers).toBe(head.headers);
  });
});
