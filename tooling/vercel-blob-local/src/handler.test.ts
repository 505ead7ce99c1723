import { BlobRateLimitedError } from "@repo/blob-store/errors";
import {
  BlobAccessError,
  BlobServiceRateLimited,
  BlobStoreNotFoundError,
  copy,
  createFolder,
  del,
  head,
  list,
  put,
  BlobError as SdkBlobError,
  BlobNotFoundError as SdkBlobNotFoundError,
  BlobPreconditionFailedError as SdkBlobPreconditionFailedError,
} from "@vercel/blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeEmulator, type Emulator, emulator, RW_TOKEN, STORE_ID } from "./testing/emulator.ts";

// The real @vercel/blob SDK against the handler, on 127.0.0.1 (see testing/emulator.ts).
afterAll(closeEmulator);

describe("the real SDK against the protocol server", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await emulator();
  });

  it("answers put, head, list, copy and del in the service's shapes", async () => {
    const put1 = await put("sdk/hello.txt", "hello", {
      access: "public",
      token: RW_TOKEN,
      addRandomSuffix: false,
    });
    expect(put1).toEqual({
      url: `${emu.origin}/files/sdk/hello.txt`,
      downloadUrl: `${emu.origin}/files/sdk/hello.txt?download=1`,
      pathname: "sdk/hello.txt",
      contentType: "text/plain",
      contentDisposition: 'attachment; filename="hello.txt"',
      etag: expect.stringMatching(/^".+"$/),
    });
    const meta = await head(put1.url, { token: RW_TOKEN });
    expect(meta).toMatchObject({
      pathname: "sdk/hello.txt",
      size: 5,
      contentType: "text/plain",
      etag: put1.etag,
    });
    expect(meta.cacheControl).toBe("public, max-age=2592000");
    expect(meta.uploadedAt).toBeInstanceOf(Date);

    const suffixed = await put("sdk/photo.png", "png", {
      access: "public",
      token: RW_TOKEN,
      addRandomSuffix: true,
    });
    expect(suffixed.pathname).toMatch(/^sdk\/photo-[A-Za-z0-9]{30}\.png$/);
    expect(suffixed.contentType).toBe("image/png");

    const listed = await list({ token: RW_TOKEN, prefix: "sdk/" });
    expect(listed.hasMore).toBe(false);
    expect(listed.blobs.map((b) => b.pathname)).toEqual(["sdk/hello.txt", suffixed.pathname]);
    const folded = await list({ token: RW_TOKEN, mode: "folded" });
    expect(folded.folders).toContain("sdk/");

    const copied = await copy("sdk/hello.txt", "sdk/copy.txt", { access: "public", token: RW_TOKEN });
    expect(copied).toMatchObject({ pathname: "sdk/copy.txt", contentType: "text/plain", etag: put1.etag });

    await expect(put("sdk/hello.txt", "again", { access: "public", token: RW_TOKEN })).rejects.toThrow(
      /already exists/,
    );
    await expect(
      put("sdk/hello.txt", "again", { access: "public", token: RW_TOKEN, ifMatch: '"nope"' }),
    ).rejects.toBeInstanceOf(SdkBlobPreconditionFailedError);
    const replaced = await put("sdk/hello.txt", "hello!", {
      access: "public",
      token: RW_TOKEN,
      ifMatch: put1.etag,
    });
    expect(replaced.etag).not.toBe(put1.etag);

    await del(["sdk/hello.txt", copied.url, suffixed.url], { token: RW_TOKEN });
    await expect(head("sdk/hello.txt", { token: RW_TOKEN })).rejects.toBeInstanceOf(SdkBlobNotFoundError);
    await expect(del("sdk/never-was.txt", { token: RW_TOKEN })).resolves.toBeUndefined();
  });

  it("rejects a wrong read-write token and another store's token", async () => {
    await expect(head("sdk/x", { token: `vercel_blob_rw_${STORE_ID}_wrongSecret` })).rejects.toBeInstanceOf(
      BlobAccessError,
    );
    await expect(head("sdk/x", { token: "vercel_blob_rw_otherstore_secret" })).rejects.toBeInstanceOf(
      BlobStoreNotFoundError,
    );
  });
});

describe("loud failures on anything unknown", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await emulator();
  });

  const api = (path: string, init: RequestInit = {}, version = "12") =>
    fetch(`${emu.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${RW_TOKEN}`, "x-api-version": version, ...init.headers },
    });

  it("names an unknown route, method and query parameter", async () => {
    const route = await api("/nope", { method: "POST" });
    expect(route.status).toBe(400);
    expect(await route.json()).toMatchObject({
      error: { code: "bad_request", unknown: { what: "route", method: "POST", path: "/api/blob/nope" } },
    });
    const method = await api("/", { method: "DELETE" });
    expect(await method.json()).toMatchObject({ error: { unknown: { what: "route", method: "DELETE" } } });
    const param = await api("?url=x&newOption=1");
    expect(await param.json()).toMatchObject({
      error: { unknown: { what: "query parameter", parameter: "newOption" } },
    });
    const header = await api("/mpu?pathname=a", { method: "POST", headers: { "x-mpu-checksum": "abc" } });
    expect(await header.json()).toMatchObject({
      error: { unknown: { what: "protocol header", header: "x-mpu-checksum" } },
    });
    const content = await fetch(`${emu.origin}/files/a.txt`, { method: "PUT", body: "x" });
    expect(content.status).toBe(405);
    expect(await content.json()).toMatchObject({ error: { unknown: { what: "method", method: "PUT" } } });
  });

  it("names an unknown x-api-version, and the SDK surfaces the message", async () => {
    const response = await api("?url=x", {}, "13");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { unknown: { what: "x-api-version", version: "13", supported: ["12"] } },
    });
    process.env.VERCEL_BLOB_API_VERSION_OVERRIDE = "13";
    try {
      const error = await head("x", { token: RW_TOKEN }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SdkBlobError);
      expect((error as Error).message).toMatch(/unknown x-api-version/);
    } finally {
      delete process.env.VERCEL_BLOB_API_VERSION_OVERRIDE;
    }
  });

  it("answers 501 for SDK features it does not implement", async () => {
    await expect(createFolder("folder", { token: RW_TOKEN })).rejects.toThrow(
      /createFolder.*not implemented/,
    );
    const optimized = await api("/put-optimized?pathname=a.png", { method: "POST", body: "x" });
    expect(optimized.status).toBe(501);
  });

  it("maps rate limiting to 429 with retry-after, which the SDK reads", async () => {
    emu.fault.next = new BlobRateLimitedError(3);
    const error = await head("x", { token: RW_TOKEN }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobServiceRateLimited);
    expect((error as BlobServiceRateLimited).retryAfter).toBe(3);
  });
});
