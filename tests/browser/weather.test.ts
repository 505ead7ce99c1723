import { mkdir } from "node:fs/promises";
import { createRuntime, type Runtime } from "@repo/runtime";
import { type Standin, startStandin } from "@repo/weather-standin/standin";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { REPO_ROOT } from "../support/paths.js";

// The weather page as `pnpm start` serves it, the forecast coming from the local stand-in.
let standin: Standin;
let runtime: Runtime;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  standin = await startStandin();
  process.env.OPEN_METEO_BASE_URL = standin.url;
  process.env.NWS_BASE_URL = standin.url;
  runtime = await createRuntime({ root: REPO_ROOT, mode: "start", port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on("console", (msg) => {
    if (msg.type() === "error" && !msg.text().includes("status of 4")) consoleErrors.push(msg.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await mkdir("test-results", { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
  await standin?.close();
});

const result = () => page.getByTestId("weather-result");

describe("the weather page", () => {
  it("shows the place, current conditions, the hourly chart and the daily forecast", async () => {
    standin.setMode("nws_alerts");
    await page.goto(`${runtime.url}/weather?zipcode=48824`);
    await result()
      .getByRole("heading", { name: /East Lansing, MI/ })
      .waitFor();
    expect(await result().locator("canvas").count()).toBeGreaterThan(0);
    expect(await result().getByRole("listitem").count()).toBe(7);
    await result().getByRole("note").getByText("Test data.").waitFor();
    expect(await result().textContent()).toMatch(/°F/);
    await result()
      .getByText(/active alert/i)
      .waitFor();
    expect(await page.getByRole("link", { name: "Open-Meteo.com" }).getAttribute("href")).toBe(
      "https://open-meteo.com/",
    );
    await page.screenshot({ path: "test-results/weather-desktop.png", fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it("switches units through the URL, and back with the back button", async () => {
    await page.getByRole("button", { name: "°C, km/h" }).click();
    await page.waitForURL(/units=metric/);
    await result().getByText(/°C/).first().waitFor();
    await page.goBack();
    await page.waitForURL((url) => !url.search.includes("units=metric"));
    await result().getByText(/°F/).first().waitFor();
  });

  it("checks the ZIP with the shared schema before asking the API", async () => {
    const before = standin.count("open-meteo");
    const input = page.getByLabel("ZIP code");
    await input.fill("4882");
    await page.getByRole("button", { name: "Show weather" }).click();
    await page
      .getByRole("alert")
      .getByText(/5 digits like 48824/)
      .waitFor();
    expect(standin.count("open-meteo")).toBe(before);
  });

  it("explains an unknown ZIP and an upstream failure, with a retry", async () => {
    const input = page.getByLabel("ZIP code");
    await input.fill("00000");
    await page.getByRole("button", { name: "Show weather" }).click();
    await result().getByRole("heading", { name: "We don't know that ZIP code" }).waitFor();

    standin.setMode("error500");
    await input.fill("10001");
    await page.getByRole("button", { name: "Show weather" }).click();
    await result()
      .getByRole("heading", { name: "The forecast could not be loaded" })
      .waitFor({ timeout: 15_000 });
    standin.setMode("ok");
    await result().getByRole("button", { name: "Try again" }).click();
    await result()
      .getByRole("heading", { name: /New York, NY/ })
      .waitFor();
  });

  it("fits a phone screen", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${runtime.url}/weather?zipcode=02134`);
    await phone.getByTestId("weather-result").getByRole("heading", { name: /, MA/ }).waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - 390);
    await phone.screenshot({ path: "test-results/weather-phone.png", fullPage: true });
    await phone.close();
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
