import { createRequire } from "node:module";
import type { Runtime } from "@repo/runtime";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserApp, openSignedInApp } from "../support/browser-app.js";

// The pages at 390 px, an iPhone's width: every action within reach without scrolling sideways, the
// nav laid out evenly, the card field whole, and no axe-core violations.
const WIDTH = 390;
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
let runtime: Runtime;
let browser: Browser;
let page: Page;

let app: BrowserApp;
beforeAll(async () => {
  app = await openSignedInApp({ name: "phone", context: { viewport: { width: WIDTH, height: 844 } } });
  ({ runtime, browser, page } = app);
});
afterAll(() => app?.close());

/**
 * What would need sideways scrolling: the document wider than the window, boxes in main that scroll
 * sideways, and every visible button and link in main whose right edge is past the window's.
 */
async function sidewaysProblems(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth)
      problems.push(`document ${root.scrollWidth} > ${root.clientWidth}`);
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(" ").join(".")}` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
    for (const el of Array.from(document.querySelectorAll("main *"))) {
      const overflowX = getComputedStyle(el).overflowX;
      if ((overflowX === "auto" || overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`scrolls sideways: ${describe(el)} ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
    for (const el of Array.from(document.querySelectorAll("main button, main a, main summary"))) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right > root.clientWidth || box.left < 0) {
        problems.push(`out of view: ${describe(el)} ${Math.round(box.left)}–${Math.round(box.right)}`);
      }
    }
    return problems;
  });
}

/** The nav's items grouped by the line they sit on, as their text. */
async function navLines(p: Page): Promise<string[][]> {
  return p.evaluate(() => {
    const lines = new Map<number, string[]>();
    for (const el of Array.from(document.querySelectorAll('nav[aria-label="Main"] > *'))) {
      const box = el.getBoundingClientRect();
      if (box.width === 0) continue;
      const middle = Math.round((box.top + box.bottom) / 2 / 8);
      const line = [...lines.keys()].find((k) => Math.abs(k - middle) <= 1) ?? middle;
      lines.set(line, [...(lines.get(line) ?? []), (el.textContent ?? "").trim()]);
    }
    return [...lines.entries()].sort(([a], [b]) => a - b).map(([, items]) => items);
  });
}

async function accessibilityViolations(p: Page): Promise<string[]> {
  await p.addScriptTag({ path: AXE });
  const result = await p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } })
      .axe;
    return axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
  });
  return (result.violations as { id: string; nodes: { target: string[] }[] }[]).map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}

const LONG_NAME = "quarterly-sales-by-region-and-month.csv";
const csv = () => {
  let text = "region,amount,when,zip,comment\r\n";
  for (let i = 0; i < 200; i++) {
    text += `${["north", "south", "east", "west"][i % 4]},${(i * 37) % 500},2024-01-${String((i % 28) + 1).padStart(2, "0")},0${1000 + i},"note ${i % 9}"\r\n`;
  }
  return Buffer.from(text);
};

describe("at 390 px", () => {
  it("the Files page shows every action of every file without sideways scrolling", async () => {
    await page.goto(`${runtime.url}/files`);
    await page.getByText("Drop files here").waitFor();
    await page.getByTestId("file-input").setInputFiles([
      { name: LONG_NAME, mimeType: "text/csv", buffer: csv() },
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello\n") },
    ]);
    const row = page.getByRole("row", { name: /quarterly-sales/ });
    await row.getByText("Done", { exact: true }).waitFor({ timeout: 45_000 });
    await page.getByRole("row", { name: /notes\.txt/ }).waitFor();
    for (const name of ["Results", "Download", "Delete"]) {
      expect(await row.getByRole(name === "Download" ? "link" : "button", { name }).isVisible()).toBe(true);
    }
    expect(await sidewaysProblems(page)).toEqual([]);

    // The confirmation, with the whole name in its button, fits too.
    await row.getByRole("button", { name: /^Delete/ }).click();
    await row.getByRole("button", { name: `Delete ${LONG_NAME}?` }).waitFor();
    expect(await sidewaysProblems(page)).toEqual([]);
    await page.screenshot({ path: "test-results/phone-files.png", fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    await row.getByRole("button", { name: "Keep" }).click();
  });

  it("and neither does the Files page on a tablet or a laptop", async () => {
    for (const width of [700, 1100]) {
      await page.setViewportSize({ width, height: 844 });
      await page
        .getByRole("row", { name: /quarterly-sales/ })
        .getByRole("button", { name: /^Results/ })
        .waitFor();
      expect(await sidewaysProblems(page), `${width} px`).toEqual([]);
    }
    await page.setViewportSize({ width: WIDTH, height: 844 });
  });

  it("a CSV's result page, its column statistics included, needs no sideways scrolling", async () => {
    await page.goto(`${runtime.url}/files?view=${encodeURIComponent(`uploads/${LONG_NAME}`)}`);
    await page.getByRole("heading", { name: `Results for ${LONG_NAME}` }).waitFor();
    const columns = page.getByRole("table", { name: "Columns" });
    await columns.waitFor();
    // Still a table to screen readers, a row and its cells per column of the file.
    expect(await columns.getByRole("row").count()).toBe(6);
    expect(
      await columns
        .getByRole("row", { name: /amount/ })
        .getByRole("cell")
        .count(),
    ).toBeGreaterThan(4);
    expect(await sidewaysProblems(page)).toEqual([]);
    // Each statistic is labelled where it is shown.
    const labels = await columns
      .getByRole("row", { name: /amount/ })
      .getByRole("cell")
      .evaluateAll((cells) => cells.map((cell) => getComputedStyle(cell, "::before").content));
    expect(labels.join(" ")).toMatch(/"Count".*"Mean"/);
    await page.screenshot({ path: "test-results/phone-csv-result.png", fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("lays the nav out evenly, signed in or not, leaving no item alone on a line", async () => {
    await page.goto(`${runtime.url}/files`);
    await page.getByRole("link", { name: /your account/ }).waitFor();
    const signedIn = await navLines(page);
    expect(signedIn.flat()).toHaveLength(5);
    for (const line of signedIn) expect(line.length, JSON.stringify(signedIn)).toBeGreaterThanOrEqual(2);

    const guest = await browser.newPage({ viewport: { width: WIDTH, height: 844 } });
    for (const width of [WIDTH, 320, 600, 800, 1100]) {
      await guest.setViewportSize({ width, height: 844 });
      await guest.goto(`${runtime.url}/card`);
      await guest.getByRole("link", { name: "Sign in" }).waitFor();
      const lines = await navLines(guest);
      expect(lines.flat(), `${width} px`).toHaveLength(5);
      for (const line of lines)
        expect(line.length, `${width} px: ${JSON.stringify(lines)}`).toBeGreaterThan(1);
      expect(await sidewaysProblems(guest), `${width} px`).toEqual([]);
    }
    await guest.close();
  });

  it("shows the card field's whole placeholder, the brand beside it covering nothing", async () => {
    await page.goto(`${runtime.url}/card`);
    const input = page.getByLabel("Card number", { exact: true });
    await input.waitFor();
    const brand = page.getByTestId("card-brand");
    for (const number of ["", "3782 822463 10005"]) {
      if (number) await page.getByRole("button", { name: "Amex", exact: true }).click();
      await brand.getByText(number ? "American Express" : "Brand?").waitFor();
      const fit = await input.evaluate((el) => {
        const field = el as HTMLInputElement;
        // The placeholder's width, measured as a value in a copy of the field (same box, same font).
        const copy = field.cloneNode() as HTMLInputElement;
        copy.removeAttribute("id");
        copy.value = field.value || field.placeholder;
        field.after(copy);
        const room = { scroll: copy.scrollWidth, client: copy.clientWidth };
        copy.remove();
        return room;
      });
      expect(
        fit.scroll,
        `"${number}" needs ${fit.scroll} px, the field shows ${fit.client}`,
      ).toBeLessThanOrEqual(fit.client);
      const a = await input.boundingBox();
      const b = await brand.boundingBox();
      if (!a || !b) throw new Error("the field or the brand is not shown");
      const overlap =
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap).toBe(false);
      expect(b.x + b.width).toBeLessThanOrEqual(WIDTH);
    }
    expect(await sidewaysProblems(page)).toEqual([]);
    await page.screenshot({ path: "test-results/phone-card.png", fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
