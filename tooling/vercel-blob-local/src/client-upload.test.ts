import { createHash, createHmac } from "node:crypto";
import { digestStream } from "@repo/blob-store/contract";
import {
  BlobAccessError,
  BlobClientTokenExpiredError,
  BlobContentTypeNotAllowedError,
  BlobFileTooLargeError,
  BlobPathnameMismatchError,
  list,
} from "@vercel/blob";
import {
  put as clientPut,
  generateClientTokenFromReadWriteToken,
  getPayloadFromClientToken,
  upload,
} from "@vercel/blob/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeEmulator, type Emulator, emulator, RW_TOKEN, STORE_ID } from "./testing/emulator.ts";
import { signCallbackBody } from "./tokens.ts";

// Client uploads end to end: a token from the app's handleUpload, the browser's upload() to the
// handler, and the signed upload-completed callback back to the app.
afterAll(closeEmulator);

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
