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
beforeAll(async () => {
  app = await openSignedInApp({ name: "results-page", context: { viewport: { width: 1100, height: 900 } } });
  ({ runtime, page } = app);
});
afterAll(() => app?.close());

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
