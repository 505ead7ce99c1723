import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  writeFile,
} from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import {
  BlobAlreadyExistsError,
  BlobError,
  BlobNotFoundError,
  BlobPreconditionFailedError,
  BlobRangeNotSatisfiableError,
  BlobTooLargeError,
} from "./errors.ts";
import { etagMatches } from "./http.ts";
import { isValidBlobPath, isValidBlobPathSegment, normalizeBlobPath } from "./path.ts";
import { beginPut, cancelBody, checkRange, listLimit } from "./store-checks.ts";
import type {
  BlobBody,
  BlobMetadata,
  BlobStore,
  ByteRange,
  GetResult,
  ListOptions,
  ListResult,
  PutOptions,
} from "./types.ts";

/**
 * The local blob store: plain files under one directory, safe to share between processes.
 *
 * Layout under `root`:
 *
 *   tmp/<random>.data             a body being streamed in (hashed and counted on the way)
 *   tmp/<random>.json             a record about to be committed, or the record just replaced or
 *                                 deleted; lets a sweep after a crash tell live objects from orphans
 *   objects/<id[0,2]>/<id>        the bytes of one version of one blob; <id> is 32 random hex
 *                                 digits, never reused, never modified after it is renamed in
 *   meta/<seg>/…/<seg>/~blob.json the record of the blob at "<seg>/…/<seg>": size, contentType,
 *                                 etag, uploadedAt, meta and the object id. Each path segment is a
 *                                 directory, so "a" and "a/b" can both be blobs; "~blob.json" is
 *                                 therefore a reserved segment (see RESERVED_SEGMENTS).
 *
 * A write streams into tmp/, then, holding the path's lock, renames the data into objects/ and
 * commits the record with one atomic rename (replace) or hard link (create-only: the link fails
 * when the path is taken, even across processes). Readers open the object a record names and keep
 * that file handle, so overwriting or deleting a blob never cuts off a read in progress; the old
 * object is unlinked only after the new record is in place.
 *
 * ETags are `"sha256:<64 hex digits>"`, double quotes included (a valid HTTP entity-tag as is): the
 * SHA-256 of the content, so equal content has equal etags. `ifMatch` accepts it with or without the
 * quotes, and "*" (any existing blob).
 *
 * Limits: compare-and-swap (`ifMatch`) is exact within a process and best effort across processes
 * (there is a short window between the check and the rename). On case-insensitive filesystems
 * (macOS, Windows) paths that differ only in case share a directory; lookups check the stored path
 * and treat such a record as a different blob. No fsync: a commit survives a process crash, not
 * necessarily a power cut.
 */

export interface FilesystemBlobStoreOptions {
  /** The directory the store owns (BLOB_DIR). Created when missing. */
  root: string;
  /** Temp files older than this are removed when the store is constructed. Default: one hour. */
  staleTempMs?: number;
}

/** What `~blob.json` holds. */
interface BlobRecord {
  v: 1;
  path: string;
  size: number;
  contentType: string;
  etag: string;
  uploadedAt: string;
  meta: Record<string, string>;
  object: string;
}

type RecordFields = Pick<BlobRecord, "size" | "contentType" | "etag" | "meta">;

const META_FILE = "~blob.json";
const DEFAULT_CONTENT_TYPE = "application/octet-stream";
const READ_CHUNK = 64 * 1024;
const OBJECT_ID = /^[0-9a-f]{32}$/;
const RETRIES = 5;

function randomId(): string {
  return randomBytes(16).toString("hex");
}

function errorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string"
    ? err.code
    : undefined;
}

function isMissing(err: unknown): boolean {
  const code = errorCode(err);
  return code === "ENOENT" || code === "ENOTDIR";
}

function parseRecord(text: string): BlobRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const r = value as Partial<BlobRecord>;
  if (
    r.v !== 1 ||
    typeof r.path !== "string" ||
    !isValidBlobPath(r.path) ||
    typeof r.size !== "number" ||
    typeof r.contentType !== "string" ||
    typeof r.etag !== "string" ||
    typeof r.uploadedAt !== "string" ||
    typeof r.meta !== "object" ||
    r.meta === null ||
    typeof r.object !== "string" ||
    !OBJECT_ID.test(r.object)
  ) {
    return null;
  }
  return r as BlobRecord;
}

function toMetadata(record: BlobRecord): BlobMetadata {
  return {
    path: record.path,
    size: record.size,
    contentType: record.contentType,
    etag: record.etag,
    uploadedAt: new Date(record.uploadedAt),
    url: null,
    meta: { ...record.meta },
  };
}

function checkPreconditions(
  path: string,
  current: BlobRecord | null,
  overwrite: boolean,
  ifMatch: string | undefined,
): void {
  if (ifMatch !== undefined) {
    const matches = current !== null && etagMatches(current.etag, ifMatch);
    if (!matches) throw new BlobPreconditionFailedError(path, ifMatch, current?.etag ?? null);
  } else if (!overwrite && current !== null) {
    throw new BlobAlreadyExistsError(path);
  }
}

/** Orders strings by code point, which is the order of their UTF-8 bytes. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (astral code points) below U+E000–U+FFFF; move them above.
    if (x >= 0xd800 && y >= 0xd800) {
      x += x < 0xe000 ? 0x2000 : -0x800;
      y += y < 0xe000 ? 0x2000 : -0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

function encodeCursor(path: string): string {
  return Buffer.from(path, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, "base64url").toString("utf8");
}

function resolveRange(
  path: string,
  size: number,
  range: ByteRange | undefined,
): { start: number; end: number } {
  if (range === undefined) return { start: 0, end: size - 1 };
  checkRange(path, size, range);
  const { start, end } = range;
  if (start >= size) throw new BlobRangeNotSatisfiableError(path, size);
  return { start, end: Math.min(end ?? size - 1, size - 1) };
}

async function writeFully(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/**
 * A web stream over [start, endExclusive) of an open file, read as the consumer pulls: at most one
 * read ahead. A byte stream: a reader in "byob" mode hands in its own buffer and the file is read
 * straight into it, so a long read (a CSV analysis) allocates nothing per chunk; a default reader
 * gets a fresh 64 KiB chunk each time. Closes the handle when done, cancelled, aborted or failed.
 */
function fileStream(
  fh: FileHandle,
  start: number,
  endExclusive: number,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  let position = start;
  let closed = false;
  let onAbort: (() => void) | undefined;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    await fh.close().catch(() => {});
  };
  return new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: READ_CHUNK,
    start(controller) {
      if (!signal) return;
      onAbort = () => {
        controller.error(signal.reason);
        void close();
      };
      signal.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      try {
        // Always there: autoAllocateChunkSize makes one for a default reader too.
        const request = controller.byobRequest as ReadableStreamBYOBRequest;
        const view = request.view as Uint8Array;
        const want = Math.min(view.byteLength, endExclusive - position);
        if (want > 0) {
          const { bytesRead } = await fh.read(view, 0, want, position);
          if (closed) return;
          if (bytesRead === 0)
            throw new BlobError("store_error", "A blob's file is shorter than its record says.");
          position += bytesRead;
          request.respond(bytesRead);
        }
        if (position >= endExclusive) {
          await close();
          controller.close();
          // A reader's buffer still waiting (an empty range) goes back to it with the end.
          controller.byobRequest?.respond(0);
        }
      } catch (err) {
        if (closed) return;
        await close();
        controller.error(err);
      }
    },
    async cancel() {
      await close();
    },
  }) as ReadableStream<Uint8Array>;
}

/** Serializes async work per key (per blob path) within this store instance. */
class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Thrown inside copy when the source object vanished under us (a concurrent overwrite): retry. */
class SourceGone extends Error {}

export class FilesystemBlobStore implements BlobStore {
  readonly kind = "filesystem";
  /** The absolute directory the store owns. */
  readonly root: string;
  private readonly tmpDir: string;
  private readonly objectsDir: string;
  private readonly metaDir: string;
  private readonly locks = new KeyedMutex();

  constructor(options: FilesystemBlobStoreOptions) {
    if (typeof options?.root !== "string" || options.root === "") {
      throw new TypeError("FilesystemBlobStore needs a root directory");
    }
    this.root = resolve(options.root);
    this.tmpDir = join(this.root, "tmp");
    this.objectsDir = join(this.root, "objects");
    this.metaDir = join(this.root, "meta");
    for (const dir of [this.tmpDir, this.objectsDir, this.metaDir]) mkdirSync(dir, { recursive: true });
    this.sweepTemp(options.staleTempMs ?? 60 * 60 * 1000);
  }

  async put(path: string, body: BlobBody, options: PutOptions = {}): Promise<BlobMetadata> {
    const { path: normalized, meta } = beginPut(path, body, options, normalizeBlobPath);
    const ifMatch = options.ifMatch;
    const overwrite = options.overwrite === true || ifMatch !== undefined;
    try {
      // Fail before reading a possibly large body; the commit checks again under the lock.
      checkPreconditions(normalized, await this.readRecord(normalized), overwrite, ifMatch);
    } catch (err) {
      cancelBody(body, err);
      throw err;
    }
    const temp = await this.writeTemp(normalized, body, options.maxBytes, options.signal);
    try {
      options.signal?.throwIfAborted();
      const fields: RecordFields = {
        size: temp.size,
        contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
        etag: temp.etag,
        meta,
      };
      return await this.commit(normalized, fields, overwrite, ifMatch, (objectFile) =>
        rename(temp.file, objectFile),
      );
    } finally {
      await rm(temp.file, { force: true });
    }
  }

  async get(path: string, options: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<GetResult> {
    const normalized = normalizeBlobPath(path);
    options.signal?.throwIfAborted();
    for (let attempt = 0; ; attempt++) {
      const record = await this.readRecord(normalized);
      if (record === null) throw new BlobNotFoundError(normalized);
      const { start, end } = resolveRange(normalized, record.size, options.range);
      let fh: FileHandle;
      try {
        fh = await open(this.objectFile(record.object), "r");
      } catch (err) {
        // Replaced between reading the record and opening its object: read the new record.
        if (isMissing(err) && attempt < RETRIES) continue;
        throw isMissing(err)
          ? new BlobError(
              "store_error",
              `The content of ${JSON.stringify(normalized)} is missing.`,
              normalized,
            )
          : err;
      }
      return {
        metadata: toMetadata(record),
        body: fileStream(fh, start, end + 1, options.signal),
        range: options.range === undefined ? null : { start, end },
      };
    }
  }

  async head(path: string): Promise<BlobMetadata | null> {
    const record = await this.readRecord(normalizeBlobPath(path));
    return record === null ? null : toMetadata(record);
  }

  async list(options: ListOptions = {}): Promise<ListResult> {
    const limit = listLimit(options.limit);
    const prefix = (options.prefix ?? "").normalize("NFC");
    const after = options.cursor ? decodeCursor(options.cursor) : null;
    // Start in the deepest directory the prefix names completely; a prefix no valid path can have
    // matches nothing (and is never used to build a filesystem path).
    const slash = prefix.lastIndexOf("/");
    const base = slash === -1 ? [] : prefix.slice(0, slash).split("/");
    if (!base.every(isValidBlobPathSegment)) return { blobs: [], cursor: null };
    const found: BlobRecord[] = [];
    await this.walk(base.join("/"), prefix, after, limit + 1, found);
    const blobs = found.slice(0, limit).map(toMetadata);
    const last = blobs[blobs.length - 1];
    return { blobs, cursor: found.length > limit && last ? encodeCursor(last.path) : null };
  }

  async delete(path: string): Promise<boolean> {
    const normalized = normalizeBlobPath(path);
    return this.locks.run(normalized, async () => {
      if ((await this.readRecord(normalized)) === null) return false;
      const metaFile = this.metaFile(normalized);
      // Take the record out atomically; whatever record we took, its object goes.
      const taken = join(this.tmpDir, `${randomId()}.json`);
      try {
        await rename(metaFile, taken);
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
      const record = await this.readRecordFile(taken);
      if (record !== null) await rm(this.objectFile(record.object), { force: true });
      await rm(taken, { force: true });
      await this.pruneEmptyDirs(dirname(metaFile));
      return true;
    });
  }

  async copy(from: string, to: string, options: { overwrite?: boolean } = {}): Promise<BlobMetadata> {
    const source = normalizeBlobPath(from);
    const target = normalizeBlobPath(to);
    const overwrite = options.overwrite === true;
    for (let attempt = 0; ; attempt++) {
      const record = await this.readRecord(source);
      if (record === null) throw new BlobNotFoundError(source);
      const fields: RecordFields = {
        size: record.size,
        contentType: record.contentType,
        etag: record.etag,
        meta: record.meta,
      };
      try {
        // Objects never change once written, so the copy can share the bytes through a hard link.
        return await this.commit(target, fields, overwrite, undefined, async (objectFile) => {
          try {
            await link(this.objectFile(record.object), objectFile);
          } catch (err) {
            throw isMissing(err) ? new SourceGone() : err;
          }
        });
      } catch (err) {
        if (err instanceof SourceGone && attempt < RETRIES) continue;
        if (err instanceof SourceGone) throw new BlobNotFoundError(source);
        throw err;
      }
    }
  }

  private objectFile(id: string): string {
    return join(this.objectsDir, id.slice(0, 2), id);
  }

  private metaFile(path: string): string {
    return join(this.metaDir, ...path.split("/"), META_FILE);
  }

  private async readRecordFile(file: string): Promise<BlobRecord | null> {
    try {
      return parseRecord(await readFile(file, "utf8"));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  /** The record at a normalized path, or null; a record for another path (case folding) is null. */
  private async readRecord(path: string): Promise<BlobRecord | null> {
    const record = await this.readRecordFile(this.metaFile(path));
    return record !== null && record.path === path ? record : null;
  }

  /** Streams a body into tmp/ while hashing and counting it. Leaves nothing behind on failure. */
  private async writeTemp(
    path: string,
    body: BlobBody,
    maxBytes: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ file: string; size: number; etag: string }> {
    const file = join(this.tmpDir, `${randomId()}.data`);
    const hash = createHash("sha256");
    const reader = body instanceof ReadableStream ? body.getReader() : null;
    // An abort must also end a read that is waiting on a stalled source.
    const onAbort = () => {
      reader?.cancel(signal?.reason).catch(() => {});
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    let fh: FileHandle | undefined;
    let size = 0;
    let done = false;
    try {
      fh = await open(file, "wx");
      const handle = fh;
      const write = async (chunk: Uint8Array) => {
        signal?.throwIfAborted();
        size += chunk.byteLength;
        if (maxBytes !== undefined && size > maxBytes) throw new BlobTooLargeError(path, maxBytes);
        hash.update(chunk);
        await writeFully(handle, chunk);
      };
      if (reader === null) {
        if (typeof body === "string") await write(Buffer.from(body, "utf8"));
        else if (body instanceof Uint8Array) await write(body);
        else throw new TypeError("A blob body is a ReadableStream, a Uint8Array or a string");
      } else {
        for (;;) {
          const { done: end, value } = await reader.read();
          signal?.throwIfAborted();
          if (end) break;
          if (!(value instanceof Uint8Array))
            throw new TypeError("A blob body stream must yield Uint8Array chunks");
          await write(value);
        }
      }
      signal?.throwIfAborted();
      await fh.close();
      fh = undefined;
      done = true;
      return { file, size, etag: `"sha256:${hash.digest("hex")}"` };
    } catch (err) {
      reader?.cancel(err).catch(() => {});
      throw err;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (fh) await fh.close().catch(() => {});
      if (!done) await rm(file, { force: true });
    }
  }

  /**
   * Under the path's lock: checks the preconditions, places the new object (`place` moves or links
   * the bytes to the file it is given), then commits the record. Create-only commits hard-link the
   * record into place, which fails if another process got there first; replacing commits rename it
   * over the old one. The replaced object is unlinked after the commit.
   */
  private commit(
    path: string,
    fields: RecordFields,
    overwrite: boolean,
    ifMatch: string | undefined,
    place: (objectFile: string) => Promise<void>,
  ): Promise<BlobMetadata> {
    return this.locks.run(path, async () => {
      const current = await this.readRecord(path);
      checkPreconditions(path, current, overwrite, ifMatch);
      const record: BlobRecord = {
        v: 1,
        path,
        ...fields,
        uploadedAt: new Date().toISOString(),
        object: randomId(),
      };
      const objectFile = this.objectFile(record.object);
      const metaFile = this.metaFile(path);
      // Written before the object exists, so a sweep after a crash can find an uncommitted object.
      const pending = join(this.tmpDir, `${randomId()}.json`);
      let snapshot: string | null = null;
      let committed = false;
      try {
        await writeFile(pending, JSON.stringify(record), { flag: "wx" });
        await mkdir(dirname(objectFile), { recursive: true });
        await place(objectFile);
        if (!overwrite) {
          try {
            await this.withParentDir(metaFile, () => link(pending, metaFile));
          } catch (err) {
            if (errorCode(err) === "EEXIST") throw new BlobAlreadyExistsError(path);
            throw err;
          }
          committed = true;
          await rm(pending, { force: true });
        } else {
          // Keep a link to the record being replaced: its object goes after the commit, and a sweep
          // finds it again if we crash in between.
          snapshot = join(this.tmpDir, `${randomId()}.json`);
          await link(metaFile, snapshot).catch((err: unknown) => {
            if (!isMissing(err)) throw err;
            snapshot = null;
          });
          await this.withParentDir(metaFile, () => rename(pending, metaFile));
          committed = true;
          if (snapshot !== null) {
            const replaced = await this.readRecordFile(snapshot);
            if (replaced !== null && replaced.object !== record.object) {
              await rm(this.objectFile(replaced.object), { force: true });
            }
          }
        }
        return toMetadata(record);
      } finally {
        if (!committed) {
          await rm(objectFile, { force: true });
          await rm(pending, { force: true });
        }
        if (snapshot !== null) await rm(snapshot, { force: true });
      }
    });
  }

  /** Runs a link/rename into `file`, creating its directory; retries if a delete prunes it meanwhile. */
  private async withParentDir(file: string, operation: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (err) {
        if (errorCode(err) !== "ENOENT" || attempt >= RETRIES) throw err;
        await mkdir(dirname(file), { recursive: true });
      }
    }
  }

  /** Removes now-empty metadata directories from `dir` up to (not including) meta/. */
  private async pruneEmptyDirs(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.metaDir) && current.length > this.metaDir.length) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
      current = dirname(current);
    }
  }

  /**
   * Appends records to `out` in path order until it holds `want`: the blobs under the directory of
   * `dirPath` whose paths start with `prefix` and sort after `after`. A child directory "x" stands
   * for the blob "x" and for the subtree "x/…"; sorting those two keys with the siblings ("x" <
   * "x-y" < "x/…") gives the global order, and subtrees that cannot match are skipped unread.
   */
  private async walk(
    dirPath: string,
    prefix: string,
    after: string | null,
    want: number,
    out: BlobRecord[],
  ): Promise<void> {
    const dir = dirPath === "" ? this.metaDir : join(this.metaDir, ...dirPath.split("/"));
    let names: string[];
    try {
      names = (await readdir(dir, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory() && isValidBlobPathSegment(entry.name))
        .map((entry) => entry.name);
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    const items: { key: string; path: string; subtree: boolean }[] = [];
    for (const name of names) {
      const path = dirPath === "" ? name : `${dirPath}/${name}`;
      items.push({ key: name, path, subtree: false }, { key: `${name}/`, path: `${path}/`, subtree: true });
    }
    items.sort((a, b) => compareCodePoints(a.key, b.key));
    for (const item of items) {
      if (out.length >= want) return;
      if (item.subtree) {
        const reachesPrefix = item.path.startsWith(prefix) || prefix.startsWith(item.path);
        const reachesCursor =
          after === null || after.startsWith(item.path) || compareCodePoints(item.path, after) > 0;
        if (reachesPrefix && reachesCursor) await this.walk(item.path.slice(0, -1), prefix, after, want, out);
      } else if (
        item.path.startsWith(prefix) &&
        (after === null || compareCodePoints(item.path, after) > 0)
      ) {
        const record = await this.readRecord(item.path);
        if (record !== null) out.push(record);
      }
    }
  }

  /**
   * Removes temp files older than `maxAgeMs`: the bodies of interrupted uploads, and the records of
   * writes a crash cut short. A stale record file names an object that is either committed (the
   * path's record names it: keep) or an orphan of a crash (remove it). Runs at construction; a
   * long-running server calls it from time to time too. Answers how many it removed.
   */
  sweepTemp(maxAgeMs: number): number {
    const now = Date.now();
    let removed = 0;
    for (const name of readdirSync(this.tmpDir)) {
      const file = join(this.tmpDir, name);
      try {
        if (now - statSync(file).mtimeMs < maxAgeMs) continue;
        if (name.endsWith(".json")) {
          const record = parseRecord(readFileSync(file, "utf8"));
          if (record !== null && this.readRecordSync(record.path)?.object !== record.object) {
            rmSync(this.objectFile(record.object), { force: true });
          }
        }
        rmSync(file, { force: true, recursive: true });
        removed++;
      } catch {
        // Another process swept it first, or it is unreadable: leave it for the next sweep.
      }
    }
    return removed;
  }

  /** Like readRecord; throws on anything but a missing file, so a sweep never guesses. */
  private readRecordSync(path: string): BlobRecord | null {
    try {
      return parseRecord(readFileSync(this.metaFile(path), "utf8"));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }
}
