import { describe, expect, it } from "vitest";
import { observe, safePath } from "./invocation.js";

describe("safePath", () => {
  it("keeps route segments and hides tokens, ids and card numbers", () => {
    expect(safePath("/api/weather")).toBe("/api/weather");
    expect(safePath("/api/card-brands/visa")).toBe("/api/card-brands/visa");
    expect(safePath("/api/auth/reset-password/Zx81kQm2pLs9TbV4")).toBe("/api/auth/reset-password/{id}");
    expect(safePath("/api/x/4242424242424242")).toBe("/api/x/{id}");
    expect(safePath("/api/x/424242")).toBe("/api/x/{id}");
  });
});

describe("observe with neither tracing nor JSON logs (the local default)", () => {
  it("just runs the handler with the same request", async () => {
    const request = new Request("http://localhost/api/health");
    const response = new Response("ok");
    expect(await observe("GET", request, async (r) => (r === request ? response : new Response("no")))).toBe(
      response,
    );
  });
});
