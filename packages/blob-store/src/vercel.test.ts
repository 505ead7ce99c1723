import { createHash, createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  BlobAccessError,
  BlobClientTokenExpiredError,
  BlobContentTypeNotAllowedError,
  BlobFileTooLargeError,
  BlobPathnameMismatchError,
  BlobServiceRateLimited,
  BlobStoreNotFoundError,
  copy,
  del,
  get,
  head,
  list,
  put,
  BlobError as SdkBlobError,
  BlobNotFoundError as SdkBlobNotFoundError,
  BlobPreconditionFailedError as SdkBlobPreconditionFailedError,
} from "@vercel/blob";
import {
  put as clientPut,
  generateClientTokenFromReadWriteToken,
  getPayloadFromClientToken,
  type HandleUploadBody,
  handleUpload,
  upload,
} from "@vercel/blob/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobStoreContract, digestStream, generatedStream, readAll } from "./contract.js";
import { BlobRateLimitedError, BlobTooLargeError } from "./errors.js";
import { FilesystemBlobStore } from "./filesystem.js";
import type { BlobStore } from "./types.js";
import { VercelBlobStore } from "./vercel.js";
import {
  createBlobProtocolHandler,
  MULTIPART_STAGING_PREFIX,
  signCallbackBody,
} from "./vercel-protocol-server.js";

/**
 * The real @vercel/blob SDK against the in-repo protocol server (over a FilesystemBlobStore in a
 * temp dir) on 127.0.0.1. The SDK takes its API URL only from the environment, so this file sets
 * VERCEL_BLOB_API_URL (and VERCEL_BLOB_RETRIES=0) for its own worker process and restores them.
 */

const STORE_ID = "teststore";
const RW_TOKEN = `vercel_blob_rw_${STORE_ID}_secretSecretSecret0123456789`;

// --- a tiny node:http ⇄ web Request/Response adapter ---

type Handler = (request: Request) => Promise<Response>;

async function toWebRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

async function sendWebResponse(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body === null) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), res);
}

async function listen(handler: () => Handler): Promise<{ origin: string; close: () => Promise<void> }> {
  let origin = "";
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    toWebRequest(req, origin)
      .then((request) => handler()(request))
      .then((response) => sendWebResponse(response, res))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// --- the emulator: protocol server + an app with a client-upload route ---

interface Emulator {
  origin: string;
  apiUrl: string;
  root: string;
  fsStore: FilesystemBlobStore;
  /** Every API/content request the protocol server saw. */
  requests: Array<{ method: string; path: string; mpuAction: string | null }>;
  /** Upload-completed callbacks as the protocol server sent them. */
  callbacks: Array<{ url: string; body: string; signature: string }>;
  /** What handleUpload's onUploadCompleted received. */
  completed: Array<{ blob: { pathname: string; url: string }; tokenPayload?: string | null }>;
  logs: Array<{ message: string; details: Record<string, unknown> }>;
  failingCallbackHits: number;
  /** The next store call throws this (to test error mapping). */
  fault: { next: Error | null };
  close: () => Promise<void>;
}

/** Wraps a store so a test can make its next call fail. */
function faultyStore(inner: BlobStore, fault: { next: Error | null }): BlobStore {
  const trip = () => {
    const error = fault.next;
    if (error) {
      fault.next = null;
      throw error;
    }
  };
  return {
    kind: inner.kind,
    async put(...args) {
      trip();
      return inner.put(...args);
    },
    async get(...args) {
      trip();
      return inner.get(...args);
    },
    async head(...args) {
      trip();
      return inner.head(...args);
    },
    async list(...args) {
      trip();
      return inner.list(...args);
    },
    async delete(...args) {
      trip();
      return inner.delete(...args);
    },
    async copy(...args) {
      trip();
      return inner.copy(...args);
    },
  };
}

let emulatorPromise: Promise<Emulator> | null = null;
const savedEnv: Record<string, string | undefined> = {};

function emulator(): Promise<Emulator> {
  emulatorPromise ??= (async () => {
    const root = await mkdtemp(join(tmpdir(), "vercel-blob-emulator-"));
    const fsStore = new FilesystemBlobStore({ root });
    let handler: Handler = async () => new Response("starting", { status: 503 });
    const server = await listen(() => handler);
    const { origin } = server;
    const emu: Emulator = {
      origin,
      apiUrl: `${origin}/api/blob`,
      root,
      fsStore,
      requests: [],
      callbacks: [],
      completed: [],
      logs: [],
      failingCallbackHits: 0,
      fault: { next: null },
      close: async () => {
        await server.close();
        await rm(root, { recursive: true, force: true });
      },
    };
    const protocol = createBlobProtocolHandler({
      store: faultyStore(fsStore, emu.fault),
      readWriteToken: RW_TOKEN,
      publicBaseUrl: `${origin}/files`,
      fetch: async (input, init) => {
        emu.callbacks.push({
          url: String(input),
          body: String(init?.body),
          signature: new Headers(init?.headers).get("x-vercel-signature") ?? "",
        });
        return fetch(input, init);
      },
      log: (message, details) => emu.logs.push({ message, details }),
      callbackTimeoutMs: 5000,
    });
    const app = async (request: Request): Promise<Response> => {
      const { pathname } = new URL(request.url);
      if (pathname === "/app/failing-callback") {
        emu.failingCallbackHits++;
        return new Response("down", { status: 503 });
      }
      if (pathname !== "/app/upload") return new Response("no such app route", { status: 404 });
      try {
        const body = (await request.json()) as HandleUploadBody;
        const result = await handleUpload({
          token: RW_TOKEN,
          request,
          body,
          onBeforeGenerateToken: async (path, clientPayload) => ({
            allowedContentTypes: ["image/*", "text/plain"],
            maximumSizeInBytes: path.startsWith("client/big/") ? 20 * 1024 * 1024 : 1024,
            tokenPayload: JSON.stringify({ user: "u-1", clientPayload }),
            callbackUrl: path.includes("failing") ? `${origin}/app/failing-callback` : `${origin}/app/upload`,
          }),
          onUploadCompleted: async (payload) => {
            emu.completed.push(payload);
          },
        });
        return Response.json(result);
      } catch (error) {
        return Response.json({ error: (error as Error).message }, { status: 400 });
      }
    };
    handler = async (request) => {
      const url = new URL(request.url);
      if (url.pathname.startsWith("/app/")) return app(request);
      emu.requests.push({
        method: request.method,
        path: url.pathname,
        mpuAction: request.headers.get("x-mpu-action"),
      });
      return protocol(request);
    };
    for (const name of ["VERCEL_BLOB_API_URL", "VERCEL_BLOB_RETRIES", "VERCEL_BLOB_API_VERSION_OVERRIDE"]) {
      savedEnv[name] = process.env[name];
    }
    process.env.VERCEL_BLOB_API_URL = emu.apiUrl;
    process.env.VERCEL_BLOB_RETRIES = "0";
    delete process.env.VERCEL_BLOB_API_VERSION_OVERRIDE;
    return emu;
  })();
  return emulatorPromise;
}

afterAll(async () => {
  if (emulatorPromise) await (await emulatorPromise).close();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Every blob read of the contract run goes through this fetch: to the emulator's content route. */
const contentReads: string[] = [];

blobStoreContract("vercel-blob", async () => {
  const emu = await emulator();
  const store = new VercelBlobStore({
    token: RW_TOKEN,
    access: "public",
    fetch: async (input, init) => {
      const url = String(input);
      if (!url.startsWith(`${emu.origin}/files/`)) throw new Error(`get() read outside the emulator: ${url}`);
      contentReads.push(url);
      return fetch(input, init);
    },
  });
  return { store };
});

describe("VercelBlobStore on the protocol server", () => {
  let emu: Emulator;
  let store: VercelBlobStore;
  beforeAll(async () => {
    emu = await emulator();
    store = new VercelBlobStore({ token: RW_TOKEN, access: "public" });
  });

  it("reads content by URL with a Range header, from the store's content route", async () => {
    await store.put("routing/range.txt", "0123456789");
    const before = contentReads.length;
    const routed = new VercelBlobStore({
      token: RW_TOKEN,
      access: "public",
      fetch: async (input, init) => {
        contentReads.push(`${String(input)} ${new Headers(init?.headers).get("range")}`);
        return fetch(input, init);
      },
    });
    const result = await routed.get("routing/range.txt", { range: { start: 2, end: 4 } });
    expect(new TextDecoder().decode(await readAll(result.body))).toBe("234");
    // Asked by version (?v=<etag>), so a CDN copy of an overwritten blob is never the answer.
    const etag = result.metadata.etag.replace(/"/g, "");
    expect(contentReads.slice(before)).toContain(
      `${emu.origin}/files/routing/range.txt?v=${encodeURIComponent(etag)} bytes=2-4`,
    );
    expect(result.metadata.url).toBe(`${emu.origin}/files/routing/range.txt`);
  });

  it("uploads ~12 MB as a multipart upload and reads it back", { timeout: 60_000 }, async () => {
    const total = 12 * 1024 * 1024 + 17;
    const expected = await digestStream(generatedStream(total, 256 * 1024, 3));
    const first = emu.requests.length;
    const put = await store.put("multipart/twelve.bin", generatedStream(total, 256 * 1024, 3), {
      meta: { kind: "multipart" },
    });
    expect(put.size).toBe(total);
    const actions = emu.requests.slice(first).flatMap((r) => (r.mpuAction ? [r.mpuAction] : []));
    expect(actions).toEqual(["create", "upload", "upload", "complete"]);
    expect(await digestStream((await store.get("multipart/twelve.bin")).body)).toEqual(expected);
    const tail = await store.get("multipart/twelve.bin", { range: { start: total - 5 } });
    expect((await readAll(tail.body)).byteLength).toBe(5);
    expect((await store.head("multipart/twelve.bin"))?.meta).toEqual({ kind: "multipart" });
    // Staged parts are gone, and never listed.
    expect((await emu.fsStore.list({ prefix: MULTIPART_STAGING_PREFIX })).blobs).toEqual([]);
  });

  it("enforces maxBytes on a multipart stream and stores nothing", { timeout: 60_000 }, async () => {
    await expect(
      store.put("multipart/too-big.bin", generatedStream(10 * 1024 * 1024, 256 * 1024), {
        maxBytes: 9 * 1024 * 1024,
      }),
    ).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await store.head("multipart/too-big.bin")).toBeNull();
  });

  it("hides sidecar metadata from list and refuses the reserved prefix", async () => {
    await store.put("sidecar/a.txt", "a", { meta: { m: "1" } });
    await store.put("sidecar/b.txt", "b", { meta: { m: "2" } });
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.blobs.length === 3 || page.cursor === null).toBe(true);
      all.push(...page.blobs.map((b) => b.path));
      cursor = page.cursor ?? undefined;
    } while (cursor);
    expect(all).toContain("sidecar/a.txt");
    expect(all.some((p) => p.startsWith(".blob-store-meta/"))).toBe(false);
    await expect(store.put(".blob-store-meta/x.json", "x")).rejects.toMatchObject({ code: "invalid_path" });
  });

  it("drops meta that belongs to a replaced version", async () => {
    await store.put("sidecar/replaced.txt", "v1", { meta: { version: "1" } });
    await store.put("sidecar/replaced.txt", "v2", { overwrite: true });
    expect((await store.head("sidecar/replaced.txt"))?.meta).toEqual({});
    expect(await store.delete("sidecar/replaced.txt")).toBe(true);
  });

  it("maps a rate-limited service to BlobRateLimitedError with retryAfter", async () => {
    emu.fault.next = new BlobRateLimitedError(7);
    const error = await store.head("anything.txt").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobRateLimitedError);
    expect((error as BlobRateLimitedError).retryAfterSeconds).toBe(7);
  });
});

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

  it("rejects a wrong read-write token and another store's token", async () => {
    await expect(head("sdk/x", { token: `vercel_blob_rw_${STORE_ID}_wrongSecret` })).rejects.toBeInstanceOf(
      BlobAccessError,
    );
    await expect(head("sdk/x", { token: "vercel_blob_rw_otherstore_secret" })).rejects.toBeInstanceOf(
      BlobStoreNotFoundError,
    );
  });
});

describe("client uploads", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await emulator();
  });

  const clientToken = (options: Partial<Parameters<typeof generateClientTokenFromReadWriteToken>[0]> = {}) =>
    generateClientTokenFromReadWriteToken({ token: RW_TOKEN, pathname: "client/direct.txt", ...options });

  it("uploads through upload() with a token from handleUpload, then calls back signed", async () => {
    const body = Buffer.from("a tiny png");
    const blob = await upload("client/photo.png", body, {
      access: "public",
      handleUploadUrl: `${emu.origin}/app/upload`,
      contentType: "image/png",
      clientPayload: "from-the-browser",
    });
    expect(blob.pathname).toBe("client/photo.png");
    expect(await (await fetch(blob.url)).text()).toBe("a tiny png");

    // The callback was awaited before upload() got its answer, and handleUpload verified it.
    const completed = emu.completed.find((c) => c.blob.pathname === "client/photo.png");
    expect(completed?.blob.url).toBe(blob.url);
    expect(JSON.parse(completed?.tokenPayload ?? "{}")).toEqual({
      user: "u-1",
      clientPayload: "from-the-browser",
    });

    const sent = emu.callbacks.find((c) => c.body.includes('"client/photo.png"'));
    expect(sent?.url).toBe(`${emu.origin}/app/upload`);
    expect(sent?.signature).toBe(
      createHmac("sha256", RW_TOKEN)
        .update(sent?.body ?? "")
        .digest("hex"),
    );
    expect(sent?.signature).toBe(signCallbackBody(sent?.body ?? "", RW_TOKEN));
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({
      type: "blob.upload-completed",
      payload: { blob: { pathname: "client/photo.png", url: blob.url, contentType: "image/png" } },
    });
  });

  it("rejects a tampered callback body and accepts the genuine one", async () => {
    const sent = emu.callbacks.find((c) => c.body.includes('"client/photo.png"'));
    expect(sent).toBeDefined();
    const post = (body: string) =>
      fetch(`${emu.origin}/app/upload`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-vercel-signature": sent?.signature ?? "" },
        body,
      });
    const before = emu.completed.length;
    const tampered = await post((sent?.body ?? "").replace("client/photo.png", "client/evil.png"));
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toEqual({ error: "Vercel Blob: Invalid callback signature" });
    expect(emu.completed.length).toBe(before);
    expect((await post(sent?.body ?? "")).status).toBe(200);
    expect(emu.completed.length).toBe(before + 1);
  });

  it("enforces the token's content types (with wildcards) and size limit", async () => {
    const handleUploadUrl = `${emu.origin}/app/upload`;
    await expect(
      upload("client/doc.pdf", "%PDF", { access: "public", handleUploadUrl, contentType: "application/pdf" }),
    ).rejects.toBeInstanceOf(BlobContentTypeNotAllowedError);
    // No content type given: the service takes it from the extension.
    await expect(
      upload("client/archive.zip", "zip", { access: "public", handleUploadUrl }),
    ).rejects.toBeInstanceOf(BlobContentTypeNotAllowedError);
    await expect(
      upload("client/notes.txt", "x".repeat(1025), { access: "public", handleUploadUrl }),
    ).rejects.toBeInstanceOf(BlobFileTooLargeError);
    expect(await emu.fsStore.head("client/notes.txt")).toBeNull();
    const ok = await upload("client/notes.txt", "x".repeat(1024), { access: "public", handleUploadUrl });
    expect(ok.contentType).toBe("text/plain");
  });

  it("rejects an expired token, a wrong signature, a tampered payload and another pathname", async () => {
    const expired = await clientToken({ validUntil: Date.now() - 1000 });
    await expect(
      clientPut("client/direct.txt", "x", { access: "public", token: expired }),
    ).rejects.toBeInstanceOf(BlobClientTokenExpiredError);

    const forged = await generateClientTokenFromReadWriteToken({
      token: `vercel_blob_rw_${STORE_ID}_notTheRealSecret`,
      pathname: "client/direct.txt",
    });
    await expect(
      clientPut("client/direct.txt", "x", { access: "public", token: forged }),
    ).rejects.toBeInstanceOf(BlobAccessError);

    // Same signature, payload widened: the signature no longer covers it.
    const genuine = await clientToken({ maximumSizeInBytes: 1 });
    const prefix = `vercel_blob_client_${STORE_ID}_`;
    const [signature] = Buffer.from(genuine.slice(prefix.length), "base64").toString().split(".");
    const widened = Buffer.from(
      JSON.stringify({ ...getPayloadFromClientToken(genuine), maximumSizeInBytes: 10_000 }),
    ).toString("base64");
    const tampered = `${prefix}${Buffer.from(`${signature}.${widened}`).toString("base64")}`;
    expect(getPayloadFromClientToken(tampered).maximumSizeInBytes).toBe(10_000);
    await expect(
      clientPut("client/direct.txt", "more than one byte", { access: "public", token: tampered }),
    ).rejects.toBeInstanceOf(BlobAccessError);

    const other = await clientToken({ pathname: "client/other.txt" });
    await expect(
      clientPut("client/direct.txt", "x", { access: "public", token: other }),
    ).rejects.toBeInstanceOf(BlobPathnameMismatchError);
    // A client token only uploads.
    await expect(list({ token: await clientToken() })).rejects.toThrow(/client token/);
    expect(await emu.fsStore.head("client/direct.txt")).toBeNull();

    const valid = await clientToken();
    const done = await clientPut("client/direct.txt", "fine", { access: "public", token: valid });
    expect(done.pathname).toBe("client/direct.txt");
  });

  it("keeps the upload when the callback fails, after one retry, and logs it", async () => {
    const before = emu.failingCallbackHits;
    const blob = await upload("client/failing.txt", "kept", {
      access: "public",
      handleUploadUrl: `${emu.origin}/app/upload`,
    });
    expect(emu.failingCallbackHits - before).toBe(2);
    expect(await (await fetch(blob.url)).text()).toBe("kept");
    expect(
      emu.logs.some(
        (l) => l.message.includes("callback failed") && l.details.pathname === "client/failing.txt",
      ),
    ).toBe(true);
  });

  it("uploads multipart with a client token and calls back once", { timeout: 60_000 }, async () => {
    const size = 9 * 1024 * 1024;
    const bytes = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
    const blob = await upload("client/big/video.txt", new Blob([bytes]), {
      access: "public",
      handleUploadUrl: `${emu.origin}/app/upload`,
      multipart: true,
    });
    const stored = await emu.fsStore.get("client/big/video.txt");
    expect(await digestStream(stored.body)).toEqual({
      size,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
    expect(emu.completed.filter((c) => c.blob.pathname === blob.pathname)).toHaveLength(1);
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
    const { createFolder } = await import("@vercel/blob");
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
