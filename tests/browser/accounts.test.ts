import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@repo/runtime";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { REPO_ROOT } from "../support/paths.js";

// An account's whole life in Chromium, with its virtual authenticator standing in for a phone or
// a laptop's fingerprint reader (WebAuthn over CDP): sign up with a passkey alone, upload a CSV and
// see its result, sign out, sign in again with the passkey, and delete the account.
let dir: string;
let runtime: Runtime;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
let authenticatorId: string;
const consoleErrors: string[] = [];
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "accounts-page-"));
  process.env.BLOB_DIR = dir;
  delete process.env.BLOB_READ_WRITE_TOKEN;
  runtime = await createRuntime({ root: REPO_ROOT, mode: "start", port: 0, crons: false });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  ({ authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  }));
  await mkdir("test-results", { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await runtime?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

/** axe-core's WCAG 2 A/AA violations on the page as it is now. */
async function accessibilityViolations(): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } })
      .axe;
    return axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
  });
  return (result.violations as { id: string; nodes: { target: string[] }[] }[]).map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}

const nav = () => page.getByRole("navigation", { name: "Main" });

describe("an account, from sign-up to deletion", () => {
  it("asks to sign in on /files, and signs up with a passkey alone", async () => {
    const response = await page.goto(`${runtime.url}/files`);
    // No other site may frame the app, and the page runs only its own scripts (the test passes
    // only if Next's pages, uPlot and the blob SDK work under that policy).
    expect(response?.headers()["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    expect(response?.headers()["x-frame-options"]).toBe("DENY");
    await page.getByRole("heading", { name: "Sign in to upload and see your files" }).waitFor();
    expect(await accessibilityViolations()).toEqual([]);
    await page.getByRole("link", { name: "Create an account" }).first().click();
    await page.getByRole("heading", { name: "Create an account", level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get("next")).toBe("/files");
    expect(await accessibilityViolations()).toEqual([]);

    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill("ada@example.com");
    await page.getByRole("button", { name: "Create account with a passkey" }).click();
    await page.waitForURL(/\/files$/);
    await page.getByText("Drop files here").waitFor();
    await nav()
      .getByRole("link", { name: /Ada Lovelace/ })
      .waitFor();
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
  });

  it("uploads a CSV and shows its result", async () => {
    const csv = Buffer.from("city,amount\nParis,10\nRome,12.5\nOslo,7\n");
    await page
      .getByTestId("file-input")
      .setInputFiles({ name: "sales.csv", mimeType: "text/csv", buffer: csv });
    const row = page.getByRole("row", { name: /sales\.csv/ });
    await row.getByText("Done", { exact: true }).waitFor({ timeout: 45_000 });
    await row.getByRole("button", { name: /Results/ }).click();
    await page.getByRole("heading", { name: "Results for sales.csv" }).waitFor();
    const columns = (await page.getByRole("table", { name: "Columns" }).textContent()) ?? "";
    expect(columns).toContain("amount");
    await page.screenshot({ path: "test-results/account-result.png", fullPage: true });
  });

  it("shows the account: this device's session and the passkey, without accessibility problems", async () => {
    await nav()
      .getByRole("link", { name: /Ada Lovelace/ })
      .click();
    await page.getByRole("heading", { name: "Your account" }).waitFor();
    await page.getByRole("list", { name: "Sessions" }).getByText("This device").waitFor();
    await page
      .getByRole("list", { name: "Passkeys" })
      .locator("strong", { hasText: "Passkey from sign-up" })
      .waitFor();
    expect(await accessibilityViolations()).toEqual([]);
    await page.screenshot({ path: "test-results/account.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "test-results/account-phone.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("signs out, and the files are closed to this browser at once", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${runtime.url}/`);
    await nav().getByRole("link", { name: "Sign in" }).waitFor();
    const answer = await page.evaluate(async () => (await fetch("/api/blobs?prefix=")).status);
    expect(answer).toBe(401);
  });

  it("signs in again with the passkey and finds the file", async () => {
    await page.goto(`${runtime.url}/sign-in?next=/files`);
    expect(await accessibilityViolations()).toEqual([]);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.waitForURL(/\/files$/);
    await page.getByRole("row", { name: /sales\.csv/ }).waitFor();
  });

  it("deletes the account, its files and results with it", async () => {
    await page.goto(`${runtime.url}/account`);
    await page.getByRole("button", { name: "Delete account…" }).click();
    await page.getByLabel("Type ada@example.com to confirm").fill("ada@example.com");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.waitForURL(`${runtime.url}/`);
    await nav().getByRole("link", { name: "Sign in" }).waitFor();
    const left = (await readdir(dir, { recursive: true })).map(String).filter((p) => p.endsWith(".csv"));
    expect(left).toEqual([]);
    // The passkey is still on the authenticator, but its account is gone.
    await page.goto(`${runtime.url}/sign-in`);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: /passkey/i })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  });

  it("logged no errors in the console but the expected 401s", () => {
    expect(consoleErrors.filter((e) => !/401|404|Unauthorized|Not Found/.test(e))).toEqual([]);
  });
});
