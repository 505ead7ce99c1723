import { get, put } from "@vercel/blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeEmulator, type Emulator, emulator, RW_TOKEN, STORE_ID } from "../testing/emulator.ts";

afterAll(closeEmulator);

describe("blob content, as the SDK and browsers read it", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await emulator();
  });

  it("serves content with Range, If-None-Match and ?download=1", async () => {
    const { url, etag } = await put("content/digits.txt", "0123456789", {
      access: "public",
      token: RW_TOKEN,
      contentType: "text/plain; charset=utf-8",
    });
    const ranged = await fetch(url, { headers: { range: "bytes=-3" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe("bytes 7-9/10");
    expect(await ranged.text()).toBe("789");
    const unsatisfiable = await fetch(url, { headers: { range: "bytes=10-" } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get("content-range")).toBe("bytes */10");
    const cached = await fetch(url, { headers: { "if-none-match": etag } });
    expect(cached.status).toBe(304);
    const download = await fetch(`${url}?download=1`, { method: "HEAD" });
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="digits.txt"');
    expect(download.headers.get("content-length")).toBe("10");
    expect(download.headers.get("accept-ranges")).toBe("bytes");
  });

  it("lets the SDK's own get() read through the content route", async () => {
    await put("content/sdk-get.txt", "via get()", { access: "public", token: RW_TOKEN });
    // get() builds https://<store>.public.blob.vercel-storage.com/<pathname> and fetches it with the
    // SDK's undici; route that host to the emulator's content route for this test only.
    const key = Symbol.for("undici.globalDispatcher.1");
    const globals = globalThis as unknown as Record<symbol, unknown>;
    const original = globals[key] as {
      dispatch: (options: { origin: string | URL; path: string }, handler: unknown) => boolean;
    };
    expect(typeof original?.dispatch).toBe("function");
    const target = new URL(emu.origin);
    globals[key] = new Proxy(original, {
      get(dispatcher, property) {
        if (property !== "dispatch") return Reflect.get(dispatcher, property);
        return (options: { origin: string | URL; path: string }, handler: unknown) => {
          const from = new URL(String(options.origin));
          if (from.hostname === `${STORE_ID}.public.blob.vercel-storage.com`) {
            options = { ...options, origin: target.origin, path: `/files${options.path}` };
          }
          return dispatcher.dispatch(options, handler);
        };
      },
    });
    try {
      const result = await get("content/sdk-get.txt", { access: "public", token: RW_TOKEN });
      expect(result?.statusCode).toBe(200);
      expect(await new Response(result?.stream).text()).toBe("via get()");
      const again = await get("content/sdk-get.txt", {
        access: "public",
        token: RW_TOKEN,
        ifNoneMatch: result?.blob.etag ?? "",
      });
      expect(again?.statusCode).toBe(304);
      expect(await get("content/missing.txt", { access: "public", token: RW_TOKEN })).toBeNull();
    } finally {
      globals[key] = original;
    }
  });

  it("requires the token for private blobs", async () => {
    const { url } = await put("private/secret.txt", "s3cret", { access: "private", token: RW_TOKEN });
    expect((await fetch(url)).status).toBe(403);
    const authorized = await fetch(url, { headers: { authorization: `Bearer ${RW_TOKEN}` } });
    expect(await authorized.text()).toBe("s3cret");
  });
});
