import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { type BlobResult, queuedResult, resultPath } from "@repo/pipeline/result";
import type { Runtime } from "@repo/runtime";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserApp, openSignedInApp } from "../support/browser-app.js";

// The blob trigger seen from the browser, offline: upload a CSV and an image on the Files page, watch
// their badges go from queued to done, and open their results.
let runtime: Runtime;
let page: Page;

let app: BrowserApp;
const chunkBytes = process.env.PIPELINE_CHUNK_BYTES;
beforeAll(async () => {
  // Chunks of 16 KiB: the ~55 KB CSV below fans out into four steps, as a large file would.
  process.env.PIPELINE_CHUNK_BYTES = String(16 * 1024);
  app = await openSignedInApp({ name: "results-page", context: { viewport: { width: 1100, height: 900 } } });
  ({ runtime, page } = app);
});
afterAll(async () => {
  await app?.close();
  if (chunkBytes === undefined) delete process.env.PIPELINE_CHUNK_BYTES;
  else process.env.PIPELINE_CHUNK_BYTES = chunkBytes;
});

function salesCsv(): Buffer {
  let text = "region,amount,note\r\n";
  const regions = ["north", "south", "east", "west"];
  for (let i = 0; i < 2000; i++) {
    text += `${regions[i % 4]},${((i * 37) % 500) / 4},"item ${i % 7}, boxed"\r\n`;
  }
  return Buffer.from(text);
}

async function photo(): Promise<Buffer> {
  // Two halves, two colours: the palette must find both.
  return sharp({ create: { width: 400, height: 200, channels: 3, background: "#c0392b" } })
    .composite([
      {
        input: { create: { width: 200, height: 200, channels: 3, background: "#2e86de" } },
        left: 200,
        top: 0,
      },
    ])
    .png()
    .toBuffer();
}

const row = (name: string) => page.getByRole("row", { name: new RegExp(name.replace(".", "\\.")) });

describe("results on the Files page", () => {
  it("a CSV and an image go from queued to done and show their results", async () => {
    await page.goto(`${runtime.url}/files`);
    await page.getByText("Drop files here").waitFor();
    await page.getByTestId("file-input").setInputFiles([
      { name: "sales.csv", mimeType: "text/csv", buffer: salesCsv() },
      { name: "photo.png", mimeType: "image/png", buffer: await photo() },
    ]);

    // Live badges: no reload, the list polls while something is in flight.
    await row("sales.csv").getByText("Done", { exact: true }).waitFor({ timeout: 45_000 });
    await row("photo.png").getByText("Done", { exact: true }).waitFor({ timeout: 45_000 });
    await page.screenshot({ path: "test-results/results-list.png", fullPage: true });

    // The CSV's results: its columns, a histogram per numeric column, top values of text columns.
    await row("sales.csv")
      .getByRole("button", { name: /Results/ })
      .click();
    await page.getByRole("heading", { name: "Results for sales.csv" }).waitFor();
    expect(new URL(page.url()).searchParams.get("view")).toMatch(/sales\.csv$/);
    const chunks = Math.ceil(salesCsv().length / (16 * 1024));
    await page.getByText(`Analysed in ${chunks} chunks, in parallel, and merged.`).waitFor();
    const columns = page.getByRole("table", { name: "Columns" });
    await columns.waitFor();
    const text = (await columns.textContent()) ?? "";
    for (const name of ["region", "amount", "note"]) expect(text).toContain(name);
    await page
      .getByLabel(/^Histogram of amount/)
      .first()
      .waitFor();
    expect(await page.getByText("item 3, boxed").count()).toBeGreaterThan(0);
    await page.screenshot({ path: "test-results/results-csv.png", fullPage: true });

    // Back closes the view.
    await page.goBack();
    await page.getByRole("heading", { name: "Results for sales.csv" }).waitFor({ state: "detached" });

    // The image's results: the thumbnail (a derived blob), its palette and metadata.
    await row("photo.png")
      .getByRole("button", { name: /Results/ })
      .click();
    await page.getByRole("heading", { name: "Results for photo.png" }).waitFor();
    const thumb = page.getByRole("img", { name: /^Thumbnail of photo\.png/ });
    await thumb.waitFor();
    await expect
      .poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 })
      .toBeGreaterThan(0);
    const palette = (await page.getByRole("list", { name: "Palette" }).textContent()) ?? "";
    expect(palette.toLowerCase()).toContain("#c0392b");
    expect(palette.toLowerCase()).toContain("#2e86de");
    expect(await page.getByText("400 × 200").count()).toBeGreaterThan(0);
    await page.screenshot({ path: "test-results/results-image.png", fullPage: true });
  });

  it("shows a chunked run's chunks while it runs, each cell named for screen readers", async () => {
    // A run caught in the middle, written as the steps write it: the page only reads the document.
    const store = new FilesystemBlobStore({ root: app.blobDir });
    const sales = (await store.list({ limit: 1000 })).blobs.find((b) => b.path.endsWith("uploads/sales.csv"));
    if (!sales) throw new Error("sales.csv is not stored");
    const live = await store.put(sales.path.replace(/sales\.csv$/, "live.csv"), salesCsv(), {
      contentType: "text/csv",
    });
    const doc: BlobResult = {
      ...queuedResult({ path: live.path, etag: live.etag, attempt: 1, trigger: "upload", now: new Date() }),
      status: "processing",
      kind: "csv",
      progress: { bytes: 20_000, total: live.size },
      chunks: { count: 12, done: 5, bytes: 20_000, finished: [0, 1, 2, 4, 7] },
    };
    await store.put(resultPath(live.path, live.etag), JSON.stringify(doc), {
      contentType: "application/json",
    });
    await page.goto(`${runtime.url}/files?view=${encodeURIComponent("uploads/live.csv")}`);
    await page.getByRole("heading", { name: "Results for live.csv" }).waitFor();
    await page.getByRole("progressbar", { name: "5 of 12 chunks analysed" }).waitFor();
    const cells = page.getByRole("list", { name: "Chunks" }).getByRole("listitem");
    expect(await cells.count()).toBe(12);
    expect(await cells.nth(3).textContent()).toBe("Chunk 4: waiting");
    expect(await cells.nth(4).textContent()).toBe("Chunk 5: done");
    await page.screenshot({ path: "test-results/results-chunks.png", fullPage: true });
  });

  it("fits a phone screen without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${runtime.url}/files?view=${encodeURIComponent("uploads/sales.csv")}`);
    await page.getByRole("heading", { name: "Results for sales.csv" }).waitFor();
    await page.getByRole("table", { name: "Columns" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "test-results/results-phone.png", fullPage: true });
  });
});
