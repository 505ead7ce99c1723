import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { errorBodySchema, type InvalidRequestDetails } from "@repo/validation/api/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedIn, type TestUser } from "../_test/accounts.js";

// The blob endpoints called with a Request as a signed-in user's browser sends it, over the
// filesystem store in a temporary BLOB_DIR.
let dir: string;
let api: {
  list: typeof import("./index.js");
  info: typeof import("./info.js");
  content: typeof import("./content.js");
  upload: typeof import("./upload.js");
};
let user: TestUser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "blobs-api-"));
  process.env.BLOB_DIR = dir;
  delete process.env.BLOB_READ_WRITE_TOKEN;
  api = {
    list: await import("./index.js"),
    info: await import("./info.js"),
    content: await import("./content.js"),
    upload: await import("./upload.js"),
  };
  user = await signedIn();
});
afterAll(async () => {
  await processingIdle();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

const at = (path: string, query: Record<string, string>) =>
  `http://localhost${path}?${new URLSearchParams(query)}`;
const put = (path: string, body: BodyInit, type = "text/csv", extra: Record<string, string> = {}) =>
  api.upload.POST(
    user.request(at("/api/blobs/upload", { path, ...extra }), {
      method: "POST",
      body,
      headers: { "content-type": type },
    }),
  );

/** Uploads start processing in the background; wait until it has written all it will write. */
async function processingIdle() {
  for (let i = 0; i < 600; i++) {
    const res = await api.list.GET(user.request(at("/api/blobs", { limit: "1000" })));
    const { blobs } = (await res.json()) as { blobs: { result: { status: string } | null }[] };
    if (blobs.every((b) => b.result?.status === "done" || b.result?.status === "failed")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("processing did not settle in 30 s");
}

describe("POST /api/blobs/upload", () => {
  it("stores a small file and answers its details", async () => {
    const res = await put("uploads/a.csv", "x,y\n1,2\n");
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ path: "uploads/a.csv", size: 8, contentType: "text/csv" });
  });

  it("refuses to overwrite unless asked", async () => {
    const again = await put("uploads/a.csv", "other");
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("blob_already_exists");
    expect((await put("uploads/a.csv", "x,y\n3,4\n", "text/csv", { overwrite: "true" })).status).toBe(201);
  });

  it("refuses a body over 4.5 MB with 413 and keeps nothing", async () => {
    const big = new Uint8Array(4.5 * 1024 * 1024 + 1);
    const res = await put("uploads/big.bin", big, "application/octet-stream");
    expect(res.status).toBe(413);
    expect(
      (await api.info.GET(user.request(at("/api/blobs/info", { path: "uploads/big.bin" })))).status,
    ).toBe(404);
  });

  it.each([
    ["../escape.txt"],
    ["%2e%2e/escape.txt"],
    ["/etc/passwd"],
    ["a/../../escape.txt"],
    ["a\u0000b"],
    ["a\\b"],
    ["x".repeat(2000)],
    ["uploads/\u202e.txt\u0007"],
  ])("rejects the path %j with 400 and writes nothing", async (path) => {
    await processingIdle();
    const before = await readdir(dir, { recursive: true });
    const res = await put(path, "evil");
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("blob_invalid_path");
    expect(await readdir(dir, { recursive: true })).toEqual(before);
  });

  it("names a missing path", async () => {
    const res = await api.upload.POST(
      user.request("http://localhost/api/blobs/upload", { method: "POST", body: "x" }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error.details.fields).toHaveProperty("path");
  });
});

describe("reading and deleting", () => {
  it("lists by prefix, a page at a time", async () => {
    for (const n of [1, 2, 3]) await put(`uploads/page-${n}.txt`, `p${n}`, "text/plain");
    const first = await (
      await api.list.GET(user.request(at("/api/blobs", { prefix: "uploads/page-", limit: "2" })))
    ).json();
    expect(first.blobs.map((b: { path: string }) => b.path)).toEqual([
      "uploads/page-1.txt",
      "uploads/page-2.txt",
    ]);
    const second = await (
      await api.list.GET(
        user.request(at("/api/blobs", { prefix: "uploads/page-", limit: "2", cursor: first.cursor })),
      )
    ).json();
    expect(second.blobs.map((b: { path: string }) => b.path)).toEqual(["uploads/page-3.txt"]);
    expect(second.cursor).toBeNull();
  });

  it("refuses a bad limit", async () => {
    expect((await api.list.GET(user.request(at("/api/blobs", { limit: "0" })))).status).toBe(400);
    expect((await api.list.GET(user.request(at("/api/blobs", { limit: "abc" })))).status).toBe(400);
  });

  it("names the parameter a bad query gets wrong, in the contract's error body", async () => {
    const refused = async (response: Response) => {
      expect(response.status).toBe(400);
      const body = errorBodySchema.parse(await response.json());
      expect(body.error.code).toBe("invalid_request");
      return (body.error.details as InvalidRequestDetails).fields;
    };
    expect(await refused(await api.list.GET(user.request(at("/api/blobs", { limit: "1001" }))))).toEqual({
      limit: ["limit must be a whole number from 1 to 1000"],
    });
    expect(
      Object.keys(await refused(await api.list.GET(user.request(at("/api/blobs", { prefix: "../" }))))),
    ).toEqual(["prefix"]);
    expect(
      Object.keys(
        await refused(await api.list.GET(user.request("http://localhost/api/blobs?cursor=a&cursor=b"))),
      ),
    ).toEqual(["cursor"]);
    expect(await refused(await put("uploads/o.csv", "x", "text/csv", { overwrite: "yes" }))).toEqual({
      overwrite: ["overwrite must be true or false"],
    });
  });

  it("answers a file that is not there with blob_not_found, named as the caller names it", async () => {
    const res = await api.info.GET(user.request(at("/api/blobs/info", { path: "uploads/none.csv" })));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        code: "blob_not_found",
        message: 'No blob at "uploads/none.csv".',
        details: { path: "uploads/none.csv" },
      },
    });
  });

  it("refuses types that could run as a page (HTML, SVG) with 415, and stores nothing", async () => {
    for (const type of ["text/html", "image/svg+xml", "application/xhtml+xml"]) {
      const res = await put("uploads/page.html", "<script>alert(1)</script>", type);
      expect(res.status, type).toBe(415);
      expect((await res.json()).error.code).toBe("unsupported_media_type");
    }
    expect(
      (await api.info.GET(user.request(at("/api/blobs/info", { path: "uploads/page.html" })))).status,
    ).toBe(404);
  });

  it("downloads with the stored type, nosniff, a sandbox and a download name, whatever the bytes", async () => {
    await put("uploads/page.txt", "<script>alert(1)</script>", "text/plain");
    const res = await api.content.GET(user.request(at("/api/blobs/content", { path: "uploads/page.txt" })));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="page.txt"`);
    // Even opened in a tab, it runs nothing as our page.
    expect(res.headers.get("content-security-policy")).toMatch(/^sandbox;/);
    expect(await res.text()).toBe("<script>alert(1)</script>");
  });

  it("answers byte ranges with 206, a suffix range, and 416 past the end", async () => {
    await put("uploads/digits.txt", "0123456789", "text/plain");
    const get = (range: string) =>
      api.content.GET(
        user.request(at("/api/blobs/content", { path: "uploads/digits.txt" }), { headers: { range } }),
      );
    const part = await get("bytes=2-5");
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 2-5/10");
    expect(await part.text()).toBe("2345");
    expect(await (await get("bytes=-3")).text()).toBe("789");
    const past = await get("bytes=50-");
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe("bytes */10");
    // A last position past the end, however large, is the end.
    const huge = await get("bytes=7-9007199254740993");
    expect(huge.status).toBe(206);
    expect(huge.headers.get("content-range")).toBe("bytes 7-9/10");
    expect(await huge.text()).toBe("789");
    // If-Range naming another version: the whole (current) file, not a piece of it.
    const whole = await api.content.GET(
      user.request(at("/api/blobs/content", { path: "uploads/digits.txt" }), {
        headers: { range: "bytes=2-5", "if-range": '"sha256:not-this-version"' },
      }),
    );
    expect(whole.status).toBe(200);
    expect(await whole.text()).toBe("0123456789");
    const etag = part.headers.get("etag") ?? "";
    const same = await api.content.GET(
      user.request(at("/api/blobs/content", { path: "uploads/digits.txt" }), {
        headers: { range: "bytes=2-5", "if-range": etag },
      }),
    );
    expect(same.status).toBe(206);
  });

  it("names a file with any characters safely", async () => {
    await put('uploads/résumé "final".txt', "x", "text/plain");
    const res = await api.content.GET(
      user.request(at("/api/blobs/content", { path: 'uploads/résumé "final".txt' })),
    );
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="r_sum_ _final_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.txt`,
    );
  });

  it("deletes with 204, then 404", async () => {
    await put("uploads/gone.txt", "x", "text/plain");
    const del = () =>
      api.list.DELETE(user.request(at("/api/blobs", { path: "uploads/gone.txt" }), { method: "DELETE" }));
    expect((await del()).status).toBe(204);
    expect((await del()).status).toBe(404);
    expect(
      (await api.content.GET(user.request(at("/api/blobs/content", { path: "uploads/gone.txt" })))).status,
    ).toBe(404);
  });
});
