import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Runtime } from "@repo/runtime";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserApp, openSignedInApp } from "../support/browser-app.js";

// The Files page as `pnpm start` serves it: the browser's upload() goes to the origin's Vercel Blob
// protocol endpoint over the filesystem store, offline.
let runtime: Runtime;
let page: Page;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
/** The text of the focused element, as a screen reader would start reading it. */
const focusedText = () =>
  page.evaluate(() => (document.activeElement?.textContent ?? "").replace(/\s+/g, " ").trim());

let app: BrowserApp;
beforeAll(async () => {
  app = await openSignedInApp({
    name: "files-page",
    context: { acceptDownloads: true, viewport: { width: 1100, height: 900 } },
    crons: true,
  });
  ({ runtime, page } = app);
});
afterAll(() => app?.close());

describe("the Files page", () => {
  it("uploads a 20 MB file with a moving progress bar, lists it, and downloads it byte-identical", async () => {
    await page.goto(`${runtime.url}/files`);
    await page.getByText("Drop files here").waitFor();
    // Slow the upload down (about 2 s) so the progress bar has time to be seen moving.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 10 * 1024 * 1024,
    });
    const content = randomBytes(20 * 1024 * 1024);
    await page
      .getByTestId("file-input")
      .setInputFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: content });

    const bar = page.getByRole("progressbar", { name: /big\.bin/ });
    await bar.waitFor();
    const seen = new Set<number>();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const status = await page.locator(".upload-list li").first().getAttribute("data-status");
      seen.add(Number(await bar.getAttribute("value")));
      if (status !== "uploading") break;
      await page.waitForTimeout(50);
    }
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.locator(".upload-list").getByText("Uploaded", { exact: true }).waitFor();
    const partial = [...seen].filter((v) => v > 0 && v < content.length);
    expect(partial.length, `progress values seen: ${[...seen].join(", ")}`).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: "test-results/files-uploaded.png", fullPage: true });

    const row = page.getByRole("row", { name: /big\.bin/ });
    await row.waitFor();
    expect(await row.textContent()).toContain("21 MB");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      row.getByRole("link", { name: /Download/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("big.bin");
    const path = await download.path();
    expect(sha(await readFile(path))).toBe(sha(content));
  });

  it("explains a refused type before sending anything, and deletes with confirmation", async () => {
    await page
      .getByTestId("file-input")
      .setInputFiles({ name: "tool.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") });
    await page.getByText("Files of type application/x-msdownload are not accepted.").waitFor();

    const row = page.getByRole("row", { name: /big\.bin/ });
    await row.getByRole("button", { name: /Delete/ }).click();
    await row.getByRole("button", { name: "Delete big.bin?" }).click();
    await page.getByText("No files yet").waitFor();
    // The last file gone, focus goes to the list's heading and the deletion is announced.
    expect(await focusedText()).toBe("Stored files");
    expect(await page.getByTestId("files-announcer").textContent()).toBe("Deleted big.bin");
  });

  it("keeps focus where the hand is while deleting, and moves it on to the next file", async () => {
    await page.getByTestId("file-input").setInputFiles([
      { name: "one.txt", mimeType: "text/plain", buffer: Buffer.from("one\n") },
      { name: "two.txt", mimeType: "text/plain", buffer: Buffer.from("two\n") },
    ]);
    // Both processed first, so no status news takes the announcer while the deletion is checked.
    for (const name of [/one\.txt/, /two\.txt/]) {
      await page.getByRole("row", { name }).getByText("Done", { exact: true }).waitFor({ timeout: 45_000 });
    }
    const names = async () =>
      page
        .locator("tbody tr")
        .evaluateAll((rows) => rows.map((r) => r.querySelector("td")?.textContent ?? ""));
    const [first, second] = await names();
    const row = page.getByRole("row", { name: new RegExp(String(first).replace(".", "\\.")) });

    // Asking, then keeping: focus on the question, then back on Delete, never on the page's top.
    await row.getByRole("button", { name: /^Delete/ }).focus();
    await page.keyboard.press("Enter");
    await row.getByRole("button", { name: `Delete ${first}?` }).waitFor();
    expect(await focusedText()).toBe(`Delete ${first}?`);
    await page.keyboard.press("Tab");
    expect(await focusedText()).toBe("Keep");
    await page.keyboard.press("Enter");
    await expect.poll(focusedText).toBe(`Delete ${first}`);

    await page.keyboard.press("Enter");
    await expect.poll(focusedText).toBe(`Delete ${first}?`);
    await page.keyboard.press("Enter");
    await expect.poll(names).toEqual([second]);
    await expect.poll(focusedText).toBe(`Results ${second}`);
    expect(await page.getByTestId("files-announcer").textContent()).toBe(`Deleted ${first}`);
    expect(await page.getByTestId("files-announcer").getAttribute("role")).toBe("status");
  });
});
