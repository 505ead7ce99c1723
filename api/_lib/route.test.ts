import { describe, expect, it, vi } from "vitest";
import { HttpError } from "./http-error.js";
import { route } from "./route.js";

describe("route", () => {
  const handlers = route({
    GET: () => new Response("hello", { headers: { "x-a": "1" } }),
    POST: () => {
      throw new HttpError(409, "conflict", "Already there.", { path: "a" }, { "retry-after": "1" });
    },
  });

  it("runs the handler for its method", async () => {
    expect(await (await handlers.GET(new Request("http://x/"))).text()).toBe("hello");
  });

  it("maps an HttpError to the JSON error body with its status and headers", async () => {
    const res = await handlers.POST(new Request("http://x/", { method: "POST" }));
    expect(res.status).toBe(409);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toEqual({
      error: { code: "conflict", message: "Already there.", details: { path: "a" } },
    });
  });

  it("answers HEAD from GET without a body", async () => {
    const res = await handlers.HEAD(new Request("http://x/", { method: "HEAD" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-a")).toBe("1");
    expect(res.body).toBeNull();
  });

  it("lists the allowed methods on a 405", async () => {
    const res = await handlers.DELETE(new Request("http://x/", { method: "DELETE" }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST, HEAD, OPTIONS");
  });

  it("hides an unexpected error behind a 500 and logs it", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = route({
      GET: () => {
        throw new TypeError("secret detail");
      },
    });
    const res = await broken.GET(new Request("http://x/"));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe("internal_error");
    expect(text).not.toContain("secret");
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });
});
