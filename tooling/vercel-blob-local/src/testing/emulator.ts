/**
 * For tests: the protocol server over a FilesystemBlobStore in a temp dir, on 127.0.0.1, beside a
 * tiny app with a client-upload route (handleUpload), with the environment the real @vercel/blob
 * SDK reads pointed at it. The SDK takes its API URL only from the environment, so `emulator()`
 * sets VERCEL_BLOB_API_URL (and VERCEL_BLOB_RETRIES=0) for the test file's own worker process, and
 * `closeEmulator()` restores them. One emulator per test file, made on first use.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import type { BlobStore } from "@repo/blob-store/types";
import { type HandleUploadBody, handleUpload } from "@vercel/blob/client";
import { createBlobProtocolHandler } from "../handler.ts";
import { listen, type WebHandler } from "../listen.ts";

export const STORE_ID = "teststore";
export const RW_TOKEN = `vercel_blob_rw_${STORE_ID}_secretSecretSecret0123456789`;

export interface Emulator {
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
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const error = fault.next;
        fault.next = null;
        if (error) throw error;
        return value.apply(target, args);
      };
    },
  });
}

/** The app side of client uploads: a handleUpload route, and a callback URL that always fails. */
function uploadApp(emu: Emulator): WebHandler {
  return async (request) => {
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
          callbackUrl: path.includes("failing")
            ? `${emu.origin}/app/failing-callback`
            : `${emu.origin}/app/upload`,
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
}

let emulatorPromise: Promise<Emulator> | null = null;
const savedEnv: Record<string, string | undefined> = {};
const SDK_ENV = ["VERCEL_BLOB_API_URL", "VERCEL_BLOB_RETRIES", "VERCEL_BLOB_API_VERSION_OVERRIDE"];

export function emulator(): Promise<Emulator> {
  emulatorPromise ??= (async () => {
    const root = await mkdtemp(join(tmpdir(), "vercel-blob-emulator-"));
    const fsStore = new FilesystemBlobStore({ root });
    let handler: WebHandler = async () => new Response("starting", { status: 503 });
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
    const app = uploadApp(emu);
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
    for (const name of SDK_ENV) savedEnv[name] = process.env[name];
    process.env.VERCEL_BLOB_API_URL = emu.apiUrl;
    process.env.VERCEL_BLOB_RETRIES = "0";
    delete process.env.VERCEL_BLOB_API_VERSION_OVERRIDE;
    return emu;
  })();
  return emulatorPromise;
}

/** Stops the emulator, removes its files and gives the SDK its environment back. */
export async function closeEmulator(): Promise<void> {
  if (emulatorPromise) await (await emulatorPromise).close();
  emulatorPromise = null;
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
