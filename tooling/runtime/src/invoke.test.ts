import { describe, expect, it, vi } from "vitest";
import { invokeFunction, pickHandler, readBodyLimited } from "./invoke.ts";

const opts = { maxDuration: 5, name: "api/test.ts" };
const echo = { POST: async (req: Request) => new Response(await req.text()) };

function streamOf(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ === chunks) controller.close();
      else controller.enqueue(new Uint8Array(size));
    },
  });
}

describe("pickHandler", () => {
  it("takes a named method export, else a default { fetch }, else a default function", () => {
    const get = () => new Response("named");
    expect(pickHandler({ GET: get }, "GET")).toBe(get);
    expect(pickHandler({ GET: get }, "POST")).toBeNull();
    expect(pickHandler({ default: { fetch: () => new Response("fetch") } }, "PUT")).toBeTypeOf("function");
    expect(pickHandler({ default: (_req: Request) => new Response("fn") }, "GET")).toBeTypeOf("function");
  });
});

describe("invokeFunction", () => {
  it("passes the body through", async () => {
    const res = await invokeFunction(echo, new Request("http://x/api", { method: "POST", body: "hi" }), opts);
    expect(await res.text()).toBe("hi");
  });

  it("answers 405 with Allow when the module has no handler for the method", async () => {
    const res = await invokeFunction(echo, new Request("http://x/api", { method: "GET" }), opts);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("refuses a declared body over the limit with 413, before the function runs", async () => {
    const post = vi.fn();
    const req = new Request("http://x/api", {
      method: "POST",
      headers: { "content-length": String(5 * 1024 * 1024) },
      body: "x",
    });
    const res = await invokeFunction({ POST: post }, req, opts);
    expect(res.status).toBe(413);
    expect(res.headers.get("x-vercel-error")).toBe("FUNCTION_PAYLOAD_TOO_LARGE");
    expect(post).not.toHaveBeenCalled();
  });

  it("refuses a streamed body that grows past the limit", async () => {
    const req = new Request("http://x/api", {
      method: "POST",
      body: streamOf(5, 1024 * 1024),
      duplex: "half",
    } as RequestInit);
    const res = await invokeFunction(echo, req, opts);
    expect(res.status).toBe(413);
  });

  it("accepts a body of exactly 4.5 MB", async () => {
    const body = new Uint8Array(4.5 * 1024 * 1024);
    const res = await invokeFunction(
      { POST: async (r: Request) => new Response(String((await r.arrayBuffer()).byteLength)) },
      new Request("http://x/api", { method: "POST", body }),
      opts,
    );
    expect(await res.text()).toBe(String(body.byteLength));
  });

  it("turns a throw into Vercel's 500", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await invokeFunction(
      {
        GET: () => {
          throw new Error("boom");
        },
      },
      new Request("http://x/"),
      opts,
    );
    expect(res.status).toBe(500);
    expect(res.headers.get("x-vercel-error")).toBe("FUNCTION_INVOCATION_FAILED");
    expect(await res.text()).not.toContain("boom");
    spy.mockRestore();
  });

  it("takes a Response returned as it is, a thenable's, and refuses anything else with a 500", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const sync = await invokeFunction({ GET: () => new Response("sync") }, new Request("http://x/"), opts);
    expect(await sync.text()).toBe("sync");
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: a non-native thenable is what this checks
      then: (resolve: (r: Response) => void) => resolve(new Response("thenable")),
    };
    const res = await invokeFunction({ GET: () => thenable }, new Request("http://x/"), opts);
    expect(await res.text()).toBe("thenable");
    for (const value of [undefined, "text", { status: 200 }]) {
      const wrong = await invokeFunction({ GET: () => value }, new Request("http://x/"), opts);
      expect(wrong.headers.get("x-vercel-error")).toBe("FUNCTION_INVOCATION_FAILED");
    }
    expect(spy).toHaveBeenCalledWith("[runtime] api/test.ts did not return a Response");
    spy.mockRestore();
  });

  it("answers 504 and aborts the request's signal after maxDuration", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    let aborted = false;
    const slow = {
      GET: (req: Request) =>
        new Promise<Response>((resolve) => {
          req.signal.addEventListener("abort", () => {
            aborted = true;
            resolve(new Response("late"));
          });
        }),
    };
    const res = await invokeFunction(slow, new Request("http://x/"), { ...opts, maxDuration: 0.05 });
    expect(res.status).toBe(504);
    expect(res.headers.get("x-vercel-error")).toBe("FUNCTION_INVOCATION_TIMEOUT");
    expect(aborted).toBe(true);
    spy.mockRestore();
  });
});

describe("readBodyLimited", () => {
  it("joins chunks", async () => {
    expect((await readBodyLimited(streamOf(3, 10), 100))?.byteLength).toBe(30);
  });
  it("gives null for no body", async () => {
    expect(await readBodyLimited(null)).toBeNull();
  });
});
