import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { upload } from "@vercel/blob/client";
import { signUp } from "../support/accounts.js";
import { startServer } from "./measure.js";

const MB = 1024 * 1024;

/** `n` MB of incompressible data, made from one 1 MB block, as a stream that never holds it all. */
function generated(totalMb: number): ReadableStream<Uint8Array> {
  const block = randomBytes(MB);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ >= totalMb) controller.close();
      else controller.enqueue(new Uint8Array(block));
    },
  });
}

/** Peak resident memory of a process so far (Linux), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/**
 * Resets a process's peak resident memory to what it holds now (Linux: "5" to clear_refs), so a
 * peak measured afterwards is the work's own, not start-up's (the embedded database's first start
 * peaks far higher than it settles).
 */
async function resetPeakRss(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, "5");
}

const mbps = (bytes: number, ms: number) => bytes / MB / (ms / 1000);

/** Waits until the blob trigger has a finished result for `path`, and returns its timings. */
async function processed(
  origin: string,
  path: string,
  cookie: string,
): Promise<{ analysisMs: number; queuedToDoneMs: number }> {
  for (;;) {
    const res = await fetch(`${origin}/api/blobs/result?path=${encodeURIComponent(path)}`, {
      headers: { cookie },
    });
    const { result } = (await res.json()) as {
      result: {
        status: string;
        error?: { message: string };
        timings: { queuedAt: string; finishedAt: string | null; analysisMs: number | null };
      } | null;
    };
    if (result?.status === "failed") throw new Error(`${path} failed: ${result.error?.message}`);
    if (result?.status === "done") {
      const { queuedAt, finishedAt, analysisMs } = result.timings;
      return {
        analysisMs: analysisMs ?? Number.NaN,
        queuedToDoneMs: Date.parse(finishedAt ?? "") - Date.parse(queuedAt),
      };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Upload and download MB/s through the local runtime (client upload to the origin's Vercel Blob
 * protocol endpoint over the filesystem store; download through /api/blobs/content) beside a
 * plain file copy, and the runtime's peak memory while a large file goes through it.
 */
export async function blobSection(): Promise<void> {
  const sizeMb = Number(process.env.BENCH_BLOB_MB ?? 256);
  const bigMb = Number(process.env.BENCH_BLOB_BIG_MB ?? 1024);
  const dir = await mkdtemp(join(tmpdir(), "bench-blobs-"));
  console.log(
    `\n▸ Blob storage: ${sizeMb} MB through the local runtime, and peak memory for a ${bigMb} MB upload\n`,
  );
  try {
    // The floor: a plain copy of a file of the same size on the same disk.
    const source = join(dir, "source.bin");
    await pipeline(Readable.fromWeb(generated(sizeMb) as never), createWriteStream(source));
    let t0 = performance.now();
    await pipeline(createReadStream(source), createWriteStream(join(dir, "copy.bin")));
    const copyMbps = mbps(sizeMb * MB, performance.now() - t0);
    await rm(join(dir, "copy.bin"));

    const server = await startServer("runtime-start", { BLOB_DIR: join(dir, "store") });
    try {
      const account = await signUp(server.url, "Bench");
      const cookie = account.client.cookieHeader();
      const config = await (await fetch(`${server.url}/api/blobs/config`, { headers: { cookie } })).json();
      process.env.VERCEL_BLOB_API_URL = config.clientApiUrl;
      process.env.VERCEL_BLOB_RETRIES = "0";
      const send = (path: string, mb: number) =>
        upload(`${config.uploadPrefix}${path}`, generated(mb), {
          access: config.access,
          handleUploadUrl: `${server.url}/api/blobs/client-upload`,
          headers: { cookie, origin: server.url },
          contentType: "application/octet-stream",
          multipart: true,
        });

      await resetPeakRss(server.pid);
      const before = await peakRssMb(server.pid);
      t0 = performance.now();
      await send("bench/upload.bin", sizeMb);
      const uploadMbps = mbps(sizeMb * MB, performance.now() - t0);
      // The blob trigger reads the new file once (sha256, size, sniffed type) in its analysis step;
      // its own timing beside hashing the same bytes in this process, and queued → done overall.
      const trigger = await processed(server.url, "bench/upload.bin", cookie);
      const analysisMbps = mbps(sizeMb * MB, trigger.analysisMs);
      t0 = performance.now();
      const hash = createHash("sha256");
      for await (const chunk of createReadStream(source)) hash.update(chunk as Buffer);
      hash.digest();
      const hashMbps = mbps(sizeMb * MB, performance.now() - t0);

      t0 = performance.now();
      const res = await fetch(`${server.url}/api/blobs/content?path=bench/upload.bin`, {
        headers: { cookie },
      });
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
      const downloadMbps = mbps(bytes, performance.now() - t0);
      if (bytes !== sizeMb * MB) throw new Error(`downloaded ${bytes} bytes, expected ${sizeMb * MB}`);

      await send("bench/big.bin", bigMb);
      await processed(server.url, "bench/big.bin", cookie);
      const peak = await peakRssMb(server.pid);

      const rows = [
        ["plain file copy (floor)", copyMbps],
        ["client upload via the local runtime", uploadMbps],
        ["download via /api/blobs/content", downloadMbps],
        ["sha256 of the file in one process (floor)", hashMbps],
        ["blob trigger: the analysis step", analysisMbps],
      ] as const;
      for (const [name, value] of rows)
        console.log(`${name.padEnd(42)} ${value.toFixed(0).padStart(6)} MB/s`);
      console.log(
        `blob trigger for the ${sizeMb} MB file: queued → done in ${(trigger.queuedToDoneMs / 1000).toFixed(2)} s ` +
          `(the workflow's three steps, their persisted events and the engine's queue included)`,
      );
      // VmHWM is the high-water mark since start: the growth across the uploads is what they cost.
      const growth = peak - before;
      console.log(
        `\nPeak RSS of the runtime: ${before.toFixed(0)} MB at rest, ${peak.toFixed(0)} MB after ${sizeMb} MB and ${bigMb} MB ` +
          `uploads and their processing: +${growth.toFixed(0)} MB for a ${bigMb} MB file (target: far below the file's size → ${
            growth < bigMb / 4 ? "met" : "NOT met"
          })`,
      );
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
