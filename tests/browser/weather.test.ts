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
  // A browser far from the places asked about: every time shown must be the place's, not the browser's.
  page = await browser.newPage({ viewport: { width: 1100, height: 900 }, timezoneId: "Pacific/Auckland" });
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

/** The page's words as people read them, without the code samples (which show the API's own `?zipcode=`). */
const wordsOnPage = () =>
  page.locator("main").evaluate((main) => {
    const copy = main.cloneNode(true) as HTMLElement;
    for (const code of Array.from(copy.querySelectorAll("code"))) code.remove();
    return copy.textContent ?? "";
  });

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

  it("clears an old answer when the next ZIP code is not valid, and puts what was typed in the URL", async () => {
    const input = page.getByLabel("ZIP code");
    await input.fill("99999");
    await page.getByRole("button", { name: "Show weather" }).click();
    await result().getByRole("heading", { name: "We don't know that ZIP code" }).waitFor();
    const before = standin.count("open-meteo");
    await input.fill("abc");
    await page.getByRole("button", { name: "Show weather" }).click();
    await page.waitForURL((url) => url.searchParams.get("zipcode") === "abc");
    await page.getByRole("alert").getByText("A ZIP code is 5 digits like 48824").waitFor();
    expect(await result().getByRole("heading").count()).toBe(0);
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    expect(standin.count("open-meteo")).toBe(before);
    expect(await wordsOnPage()).not.toMatch(/zipcode/i);

    // The same from a link: the URL is the state.
    await page.goto(`${runtime.url}/weather?zipcode=123`);
    await page.getByRole("alert").getByText("A ZIP code is 5 digits like 48824").waitFor();
    expect(await result().getByRole("heading").count()).toBe(0);
    expect(await wordsOnPage()).not.toMatch(/zipcode/i);
    expect(standin.count("open-meteo")).toBe(before);
  });

  it("shows one time, the place's own, with its zone", async () => {
    await page.goto(`${runtime.url}/weather?zipcode=48824`);
    await result()
      .getByRole("heading", { name: /East Lansing, MI/ })
      .waitFor();
    const answer = (await (await fetch(`${runtime.url}/api/weather?zipcode=48824`)).json()) as {
      timezone: string;
      current: { time: string };
    };
    const [, hh, mm] = /T(\d{2}):(\d{2})/.exec(answer.current.time) ?? [];
    const hour = Number(hh);
    const zone = new Intl.DateTimeFormat("en-US", { timeZone: answer.timezone, timeZoneName: "short" })
      .formatToParts(new Date(answer.current.time))
      .find((p) => p.type === "timeZoneName")?.value;
    expect(zone).toMatch(/^E[SD]T$/);
    const asOf = `${((hour + 11) % 12) + 1}:${mm} ${hour < 12 ? "AM" : "PM"} ${zone}`;
    expect(await result().locator("dt", { hasText: "As of" }).locator("+ dd").textContent()).toBe(asOf);
    // No other clock on the page (the browser's, in Auckland, least of all) outside the alerts.
    const clocks = await result().evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      for (const alerts of Array.from(copy.querySelectorAll('[aria-labelledby="alerts-title"]')))
        alerts.remove();
      return copy.textContent?.match(/\d{1,2}:\d{2}(:\d{2})?\s?[AP]M/g) ?? [];
    });
    expect(clocks).toEqual([asOf.replace(` ${zone}`, "")]);
  });

  it("draws the first and last hours' bars whole, clear of the chart's edges", async () => {
    const edges = await result()
      .getByTestId("hourly-chart")
      .evaluate((el) => {
        const canvas = el.querySelector("canvas");
        const over = el.querySelector<HTMLElement>(".u-over");
        const ctx = canvas?.getContext("2d");
        if (!canvas || !over || !ctx) throw new Error("no uPlot canvas");
        const ratio = canvas.width / canvas.clientWidth;
        const top = Math.round(over.offsetTop * ratio);
        const height = Math.round(over.offsetHeight * ratio);
        const left = Math.round(over.offsetLeft * ratio);
        const right = Math.round((over.offsetLeft + over.offsetWidth) * ratio);
        // Pixels of either series (blue bars, orange line) in a strip 3 px wide at an edge of the plot.
        const seriesPixels = (x: number) => {
          const { data } = ctx.getImageData(x, top, Math.round(3 * ratio), height);
          let n = 0;
          for (let i = 0; i < data.length; i += 4) {
            const [r = 0, , b = 0, a = 0] = data.slice(i, i + 4);
            if (a > 0 && Math.abs(b - r) > 60) n++;
          }
          return n;
        };
        const inside = seriesPixels(Math.round((left + right) / 2));
        return { left: seriesPixels(left), right: seriesPixels(right - Math.round(3 * ratio)), inside };
      });
    expect(edges.inside).toBeGreaterThan(0);
    expect(edges).toMatchObject({ left: 0, right: 0 });
  });

  it("says why alerts are missing in its own words, not the weather service's error text", async () => {
    standin.setMode("nws_error");
    try {
      await page.goto(`${runtime.url}/weather?zipcode=90210`);
      await result()
        .getByRole("heading", { name: /Beverly Hills, CA/ })
        .waitFor();
      const note = result().getByTestId("alerts-unavailable");
      await note.waitFor();
      const text = (await note.textContent()) ?? "";
      expect(text).toContain("Weather alerts are unavailable right now");
      expect(text).toContain("The National Weather Service is having trouble.");
      expect(text).not.toMatch(/HTTP|expired|grid/i);
    } finally {
      standin.setMode("nws_ok");
    }
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
