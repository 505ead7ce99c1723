import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobNotFoundError } from "@repo/blob-store/errors";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { queuedResult, resultPath, thumbnailPath } from "@repo/pipeline/result";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteFile, deleteSpace, findFile, listFiles, resultForUser } from "./files.ts";
import { sweepDeletedOwners } from "./owners.ts";
import { userSpace } from "./space.ts";
import { spaceUsage } from "./usage.ts";

let dir: string;
let store: FilesystemBlobStore;
const alice = userSpace("alice");
const bob = userSpace("bob");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "files-"));
  store = new FilesystemBlobStore({ root: dir });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const put = (space: typeof alice, path: string, body = "a,b\n1,2\n") =>
  store.put(space.toStore(path), body, { contentType: "text/csv", overwrite: true });

describe("findFile", () => {
  it("finds the user's own file, and answers another's as none, named as the user names it", async () => {
    const finder = userSpace("finder");
    await put(finder, "find/mine.csv");
    expect((await findFile(store, finder, "find/mine.csv")).path).toBe(finder.toStore("find/mine.csv"));
    const missing = await findFile(store, userSpace("frank"), "find/mine.csv").catch(
      (error: unknown) => error,
    );
    expect(missing).toBeInstanceOf(BlobNotFoundError);
    expect(missing).toMatchObject({ code: "not_found", path: "find/mine.csv" });
    await deleteSpace(store, finder);
  });
});

describe("listFiles", () => {
  it("shows a user only their own files, named as they name them, with their results", async () => {
    const mine = await put(alice, "uploads/sales.csv");
    await put(bob, "uploads/sales.csv", "other");
    await put(bob, "uploads/secret.csv");
    const doc = queuedResult({
      path: mine.path,
      etag: mine.etag,
      attempt: 1,
      trigger: "upload",
      now: new Date(),
    });
    await store.put(resultPath(mine.path, mine.etag), JSON.stringify(doc), {
      contentType: "application/json",
    });

    const page = await listFiles(store, alice, { prefix: "", limit: 100, cursor: null });
    expect(page.files.map((f) => f.path)).toEqual(["uploads/sales.csv"]);
    expect(page.files[0]?.result).toMatchObject({ status: "queued", attempt: 1 });
    const theirs = await listFiles(store, bob, { prefix: "uploads/", limit: 100, cursor: null });
    expect(theirs.files.map((f) => f.path)).toEqual(["uploads/sales.csv", "uploads/secret.csv"]);
  });

  it("lists results only when the prefix asks for them, and only the user's", async () => {
    const results = await listFiles(store, alice, { prefix: "_results/", limit: 100, cursor: null });
    expect(results.files.map((f) => f.path)).toEqual([
      expect.stringMatching(/^_results\/uploads\/sales\.csv\//),
    ]);
    expect((await listFiles(store, bob, { prefix: "_results/", limit: 100, cursor: null })).files).toEqual(
      [],
    );
  });

  it("pages with the store's cursor and never leaves the space, whatever cursor is sent", async () => {
    for (const n of [1, 2, 3]) await put(alice, `pages/p${n}.csv`);
    const first = await listFiles(store, alice, { prefix: "pages/", limit: 2, cursor: null });
    expect(first.files.map((f) => f.path)).toEqual(["pages/p1.csv", "pages/p2.csv"]);
    const second = await listFiles(store, alice, { prefix: "pages/", limit: 2, cursor: first.cursor });
    expect(second.files.map((f) => f.path)).toEqual(["pages/p3.csv"]);
    const forged = await listFiles(store, alice, { prefix: "", limit: 100, cursor: "users/bob/" });
    expect(forged.files.every((f) => !f.path.includes("secret"))).toBe(true);
  });
});

describe("spaceUsage", () => {
  it("counts the bytes of the user's own files, not their results nor anyone else's", async () => {
    const erin = userSpace("erin");
    const blob = await put(erin, "a.csv", "12345");
    await put(erin, "deep/b.csv", "123");
    await store.put(resultPath(blob.path, blob.etag), "{...results...}", { contentType: "application/json" });
    await put(userSpace("frank"), "a.csv", "1234567890");
    expect(await spaceUsage(store, erin)).toBe(8);
    expect(await spaceUsage(store, userSpace("nobody"))).toBe(0);
  });
});

describe("deleteFile", () => {
  it("deletes the user's own file and its results; another user's file of the same name stays", async () => {
    const blob = await put(alice, "gone/a.csv");
    await store.put(thumbnailPath(blob.path, blob.etag), "x", { contentType: "image/webp" });
    await put(bob, "gone/a.csv");
    expect(await deleteFile(store, alice, "gone/a.csv")).toBe(true);
    expect(await deleteFile(store, alice, "gone/a.csv")).toBe(false);
    expect(await store.head(thumbnailPath(blob.path, blob.etag))).toBeNull();
    expect(await store.head(bob.toStore("gone/a.csv"))).not.toBeNull();
  });
});

describe("resultForUser", () => {
  it("names the file and its thumbnail as the owner does", () => {
    const doc = queuedResult({
      path: alice.toStore("pics/a.png"),
      etag: "e",
      attempt: 1,
      trigger: "upload",
      now: new Date(),
    });
    const image = {
      thumbnail: { path: thumbnailPath(alice.toStore("pics/a.png"), "e"), width: 1, height: 1, size: 1 },
    };
    const shown = resultForUser(alice, { ...doc, image: image as never });
    expect(shown.path).toBe("pics/a.png");
    expect(shown.image?.thumbnail.path).toBe(thumbnailPath("pics/a.png", "e"));
  });
});

describe("deleteSpace and sweepDeletedOwners", () => {
  it("removes everything a user owns, and the timer removes spaces whose owner is gone", async () => {
    const carol = userSpace("carol");
    const blob = await put(carol, "x/a.csv");
    await store.put(resultPath(blob.path, blob.etag), "{}", { contentType: "application/json" });
    await put(carol, "x/b.csv");
    expect(await deleteSpace(store, carol)).toBe(3);
    expect(await deleteSpace(store, carol)).toBe(0);

    const dave = userSpace("dave");
    await put(dave, "left/behind.csv");
    const report = await sweepDeletedOwners(store, async (ids) => new Set(ids.filter((id) => id !== "dave")));
    expect(report.removed).toEqual([{ userId: "dave", blobs: 1 }]);
    expect(report.checked).toBeGreaterThanOrEqual(3);
    expect(
      (await listFiles(store, alice, { prefix: "", limit: 100, cursor: null })).files.length,
    ).toBeGreaterThan(0);
  });
});
