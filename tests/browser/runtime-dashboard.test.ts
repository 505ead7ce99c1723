import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { createRuntime, type Runtime } from "@repo/runtime";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { writeVisibilityProject } from "../support/visibility-project.js";

// The runtime's dashboard at /__runtime, in Debian's Chromium, over a project whose traffic is known.
let project: Awaited<ReturnType<typeof writeVisibilityProject>>;
let runtime: Runtime;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

beforeAll(async () => {
  project = await writeVisibilityProject();
  runtime = await createRuntime({ root: project.root, mode: "start", port: 0, crons: false });
  for (let i = 0; i < 4; i++) await fetch(`${runtime.url}/api/sleep?ms=5`);
  await fetch(`${runtime.url}/api/fail`);
  await fetch(`${runtime.url}/api/leaky`, { method: "POST" });
  await runtime.runCron("/api/sleep?ms=1");
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  page.on("console", (msg) => {
    if (msg.type() === "error") pageErrors.push(msg.text());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${runtime.url}/__runtime`);
});

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
  await project?.remove();
});

describe("the runtime dashboard", () => {
  it("shows each function's invocations, errors and cold starts in a captioned table", async () => {
    const table = page.getByRole("table", { name: /Per function/ });
    const sleep = table.getByRole("row", { name: /api\/sleep/ });
    await sleep.waitFor();
    const cells = await sleep.getByRole("cell").allTextContents();
    // Invocations 5 (four calls and the cron), errors 0, error rate 0.0%, three percentiles, 1 cold start.
    expect(cells.slice(0, 3)).toEqual(["5", "0", "0.0%"]);
    expect(cells[6]).toBe("1");
    const fail = await table
      .getByRole("row", { name: /api\/fail/ })
      .getByRole("cell")
      .allTextContents();
    expect(fail.slice(0, 3)).toEqual(["1", "1", "100.0%"]);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Local runtime");
    for (const name of ["Functions", "Latest invocations", "Cost estimate", "Cron jobs", "Workflow runs"]) {
      expect(await page.getByRole("heading", { level: 2, name }).count(), name).toBe(1);
    }
  });

  it("lists the latest invocations with their request ids and what they printed, card numbers masked", async () => {
    const table = page.getByRole("table", { name: /Newest first/ });
    const leaky = table.getByRole("row", { name: /api\/leaky/ });
    await leaky.getByText(/^dev1::/).waitFor();
    await leaky.getByText("1 log line").click();
    expect(await leaky.locator("pre").textContent()).toBe("charging card [card number] for order 17");
    expect(await page.content()).not.toContain("4242");
  });

  it("shows the cost as an estimate, with the configured memory", async () => {
    await page.getByText(/^Estimate, not a bill\./).waitFor();
    const sleep = page.getByRole("table", { name: /Estimated USD/ }).getByRole("row", { name: /api\/sleep/ });
    expect((await sleep.getByRole("cell").allTextContents())[0]).toBe("512");
    expect(await page.locator("#cost-total").textContent()).toMatch(/always-on/);
  });

  it("shows the cron job's last outcome and next run", async () => {
    const row = page.getByRole("table", { name: /crons/ }).getByRole("row", { name: /api\/sleep/ });
    expect(await row.getByRole("cell").nth(2).textContent()).toMatch(/^200 in \d+ ms$/);
  });

  it("updates live as new invocations arrive", async () => {
    await fetch(`${runtime.url}/api/fail`);
    const fail = page.getByRole("table", { name: /Per function/ }).getByRole("row", { name: /api\/fail/ });
    await expect
      .poll(async () => (await fail.getByRole("cell").allTextContents()).slice(0, 2), { timeout: 10_000 })
      .toEqual(["2", "2"]);
  });

  it("fits a 390 px wide screen without scrolling sideways, and logs no errors", async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    // A wide table scrolls inside its box; scrolled to its last column, its rows' names stay in view.
    const region = page.getByRole("region", { name: "Functions table" });
    await region.evaluate((box) => {
      box.scrollLeft = box.scrollWidth;
    });
    const row = region.getByRole("row", { name: /api\/sleep/ });
    const name = await row.getByRole("rowheader").boundingBox();
    const peak = await row.getByRole("cell").last().boundingBox();
    expect(name && peak).toBeTruthy();
    expect(name?.x).toBeGreaterThanOrEqual(0);
    expect((name?.x ?? 0) + (name?.width ?? 0)).toBeLessThanOrEqual(peak?.x ?? 0);
    expect((peak?.x ?? 0) + (peak?.width ?? 0)).toBeLessThanOrEqual(390);
    await region.evaluate((box) => {
      box.scrollLeft = 0;
    });
    await mkdir("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/runtime-dashboard.png", fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it("has no WCAG 2 A or AA violations axe-core can find", async () => {
    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } })
        .axe;
      return axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    });
    const violations = (result.violations as { id: string; nodes: { target: string[] }[] }[]).map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
    expect(violations).toEqual([]);
  });
});
