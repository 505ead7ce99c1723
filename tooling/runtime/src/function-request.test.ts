import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { createFunctionRequest, installRequestGlobals } from "./function-request.ts";
import { listen, stopListening } from "./listen.ts";

// Every test runs the same steps on the light request and on a real undici Request built from the
// same parts (what the runtime used to give functions), and expects the same outcomes.

const URL_ = "http://localhost:3000/api/echo?x=1&y=2";
const encoder = new TextEncoder();

interface Parts {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

function pair({ method = "POST", headers = {}, body }: Parts) {
  const bytes = body === undefined || body === "" ? null : encoder.encode(body);
  const light = createFunctionRequest({ url: URL_, method, headers: new Headers(headers), body: bytes });
  const real = new Request(URL_, { method, headers: new Headers(headers), body: bytes });
  return { light: light.request, abort: light.abort, real };
}

type Outcome = { value: unknown } | { error: string };

async function outcome(step: () => unknown): Promise<Outcome> {
  try {
    const value = await step();
    return { value: value instanceof ArrayBuffer ? [...new Uint8Array(value)] : value };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Runs `steps` on both requests in order; each step's outcome must be the same for both. */
async function same(parts: Parts, steps: ((r: Request) => unknown)[]): Promise<Outcome[]> {
  const { light, real } = pair(parts);
  const results: Outcome[] = [];
  for (const step of steps) {
    const [a, b] = [await outcome(() => step(light)), await outcome(() => step(real))];
    expect(a).toEqual(b);
    results.push(a);
  }
  return results;
}

const JSON_BODY = { body: '{"n":1,"s":"é"}', headers: { "content-type": "application/json" } };

describe("the light function Request", () => {
  it("is a Request to instanceof, toString and constructor checks", () => {
    const { light } = pair({});
    expect(light).toBeInstanceOf(Request);
    expect(Object.prototype.toString.call(light)).toBe("[object Request]");
    expect(light.constructor).toBe(Request);
  });

  it("has the same url, method and defaults for every plain member", async () => {
    await same({ method: "GET" }, [
      (r) => r.url,
      (r) => r.method,
      (r) => r.bodyUsed,
      (r) => r.body,
      (r) => [r.cache, r.credentials, r.destination, r.integrity, r.keepalive, r.mode, r.redirect],
      (r) => [r.referrer, r.referrerPolicy, r.duplex],
    ]);
    expect(new URL(pair({}).light.url).searchParams.get("y")).toBe("2");
  });

  it("reads headers the same way: get, has, iterate, set, append, delete", async () => {
    const headers = { "content-type": "text/plain", "x-a": "1", cookie: "a=1; b=2" };
    await same({ headers }, [
      (r) => [r.headers.get("X-A"), r.headers.get("missing"), r.headers.has("cookie")],
      (r) => [...r.headers],
      (r) => [...r.headers.keys()],
      (r) => {
        r.headers.set("x-b", "2");
        r.headers.append("x-a", "3");
        r.headers.delete("cookie");
        return [...r.headers.entries()];
      },
      (r) => r.headers.set("bad name", "x"),
      (r) => r.headers instanceof Headers,
    ]);
  });

  it("reads the body as text, json, arrayBuffer and bytes, and refuses a second read alike", async () => {
    for (const read of ["text", "json", "arrayBuffer", "bytes"] as const) {
      const results = await same(JSON_BODY, [
        (r) => r.bodyUsed,
        (r) => r[read](),
        (r) => r.bodyUsed,
        (r) => r.text(),
        (r) => r.json(),
        (r) => r.clone(),
        (r) => r.body?.locked,
      ]);
      expect(results[1]).not.toHaveProperty("error");
      expect(results[3]).toHaveProperty("error");
    }
  });

  it("reads an invalid JSON body, an empty body and a body-less request alike", async () => {
    await same({ body: "{not json" }, [(r) => r.json(), (r) => r.bodyUsed]);
    await same({ method: "GET" }, [(r) => r.text(), (r) => r.text(), (r) => r.bodyUsed, (r) => r.json()]);
    await same({ method: "POST", body: "" }, [(r) => r.arrayBuffer(), (r) => r.bodyUsed]);
  });

  it("gives the body as a stream, then refuses other reads alike", async () => {
    await same({ body: "streamed" }, [
      async (r) => {
        const chunks: number[] = [];
        for await (const chunk of r.body ?? []) chunks.push(...chunk);
        return new TextDecoder().decode(new Uint8Array(chunks));
      },
      (r) => r.bodyUsed,
      (r) => r.text(),
    ]);
  });

  it("parses form data and blobs alike", async () => {
    await same({ body: "a=1&b=two", headers: { "content-type": "application/x-www-form-urlencoded" } }, [
      async (r) => [...(await r.formData()).entries()],
      (r) => r.bodyUsed,
    ]);
    await same({ body: "abc", headers: { "content-type": "Text/Plain;Charset=UTF-8" } }, [
      async (r) => {
        const blob = await r.blob();
        return [blob.type, blob.size, await blob.text()];
      },
    ]);
  });

  it("clones: the clone and the original both read the whole body, once each", async () => {
    await same(JSON_BODY, [
      async (r) => {
        const copy = r.clone();
        return [copy instanceof Request, copy.url, copy.method, await copy.text(), await r.text()];
      },
      (r) => r.bodyUsed,
    ]);
  });

  it("hands the real Request the headers as they were changed before", async () => {
    await same({ body: "x" }, [
      (r) => {
        r.headers.set("x-set-before", "yes");
        return r.clone().headers.get("x-set-before");
      },
    ]);
  });

  it("is accepted by new Request(request, init) and fetch(request) once the runtime's globals are in", async () => {
    const { getRequestListener } = await import("@hono/node-server");
    getRequestListener(() => new Response(), { overrideGlobalObjects: true });
    installRequestGlobals();
    await same(JSON_BODY, [
      async (r) => {
        const copy = new Request(r, { headers: { "x-new": "1" } });
        return [copy instanceof Request, copy.url, copy.method, await copy.text(), copy.headers.get("x-new")];
      },
      (r) => r.bodyUsed,
      (r) => r.text(),
    ]);
    const server = createServer((req, res) => {
      req.pipe(res);
    });
    const port = await listen(server, 0, "127.0.0.1");
    try {
      const url = `http://127.0.0.1:${port}/echo`;
      const body = encoder.encode(JSON_BODY.body);
      const light = () =>
        createFunctionRequest({ url, method: "POST", headers: new Headers(), body }).request;
      // As a handler forwarding its own request would: fetch(request), and fetch(new Request(request)).
      expect(await (await fetch(light())).text()).toBe(JSON_BODY.body);
      expect(await (await fetch(new Request(light()))).text()).toBe(JSON_BODY.body);
    } finally {
      await stopListening(server);
    }
  });

  it("has a signal that the runtime can abort, before or after the handler first reads it", async () => {
    const early = pair({});
    early.abort(new Error("maxDuration reached"));
    expect(early.light.signal.aborted).toBe(true);
    expect((early.light.signal.reason as Error).message).toBe("maxDuration reached");

    const late = pair({});
    const { signal } = late.light;
    const seen: unknown[] = [];
    signal.addEventListener("abort", () => seen.push(signal.reason));
    expect(signal.aborted).toBe(false);
    late.abort("stop");
    expect([signal.aborted, seen]).toEqual([true, ["stop"]]);
    expect(late.light.signal).toBe(signal);
  });

  it("keeps the signal once a member builds the real Request", () => {
    const { light, abort } = pair({ body: "x" });
    void light.cache;
    abort("stop");
    expect(light.signal.aborted).toBe(true);
    expect(light.clone().signal.aborted).toBe(true);
  });

  it("makes its headers only when they are first read, and the real Request gets the same", async () => {
    let made = 0;
    const headers = () => {
      made++;
      return new Headers({ "content-type": "text/plain", "x-a": "1" });
    };
    const { request } = createFunctionRequest({
      url: URL_,
      method: "POST",
      headers,
      body: encoder.encode("hi"),
    });
    expect([request.url, request.method, await request.clone().text()]).toEqual([URL_, "POST", "hi"]);
    expect(made).toBe(1); // clone() built the real Request, with the headers
    expect(request.headers.get("x-a")).toBe("1");
    request.headers.set("x-b", "2");
    expect([made, request.headers.get("x-b")]).toEqual([1, "2"]);

    let unread = 0;
    const plain = createFunctionRequest({
      url: URL_,
      method: "POST",
      headers: () => {
        unread++;
        return new Headers();
      },
      body: encoder.encode("{}"),
    }).request;
    expect([plain.url, plain.method, await plain.json(), plain.bodyUsed]).toEqual([URL_, "POST", {}, true]);
    expect(unread).toBe(0);
  });
});
