import { mkdir } from "node:fs/promises";
import { createRuntime, type Runtime } from "@repo/runtime";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { REPO_ROOT } from "../support/paths.js";

// The built site and the functions, as `pnpm start` serves them, in Debian's Chromium.
let runtime: Runtime;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  runtime = await createRuntime({ root: REPO_ROOT, mode: "start", port: 0 });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
});

describe("the card page", () => {
  it("checks a number as it is typed and shows the API's answer", async () => {
    await page.goto(`${runtime.url}/card`);
    const input = page.getByLabel("Card number", { exact: true });
    await input.pressSequentially("4242424242424242", { delay: 10 });
    expect(await input.inputValue()).toBe("4242 4242 4242 4242");
    const result = page.getByTestId("card-result");
    await result.getByText("Valid", { exact: true }).waitFor();
    expect(await result.textContent()).toContain("Visa · •••• 4242");
    await mkdir("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/card-valid.png", fullPage: true });
  });

  it("explains a wrong length for the brand", async () => {
    await page.getByRole("button", { name: "Amex, 16 digits" }).click();
    const result = page.getByTestId("card-result");
    await result.getByText("Not valid").waitFor();
    expect(await result.textContent()).toContain("American Express numbers have 15 digits; this one has 16.");
  });

  it("shows the schema's message for a short number once the field is left", async () => {
    const input = page.getByLabel("Card number", { exact: true });
    await input.fill("");
    await input.pressSequentially("4242");
    await input.blur();
    await page.getByRole("alert").getByText("number must have 12 to 19 digits; it has 4").waitFor();
    expect(await input.getAttribute("aria-invalid")).toBe("true");
  });

  it("groups a number the way its brand prints it only for lengths the brand has", async () => {
    const input = page.getByLabel("Card number", { exact: true });
    await input.fill("");
    await input.pressSequentially("378282246310005");
    expect(await input.inputValue()).toBe("3782 822463 10005");
    await input.fill("");
    // Starts like American Express (37), but Amex numbers have 15 digits: fours, as on other cards.
    await input.pressSequentially("3700000000000007");
    expect(await input.inputValue()).toBe("3700 0000 0000 0007");
  });

  it("explains a short number on Enter, in the field's description, keeping focus there", async () => {
    // A fresh page: the field has not been left yet, so only Enter brings the message out.
    await page.goto(`${runtime.url}/card`);
    const input = page.getByLabel("Card number", { exact: true });
    await input.pressSequentially("42424242");
    expect(await page.locator("form").getByRole("alert").textContent()).toBe("");
    await input.press("Enter");
    const message = "number must have 12 to 19 digits; it has 8";
    await page.getByRole("alert").getByText(message).waitFor();
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    const described = await input.evaluate((el) =>
      (el.getAttribute("aria-describedby") ?? "")
        .split(" ")
        .map((id) => document.getElementById(id)?.textContent ?? "")
        .join(" "),
    );
    expect(described).toContain(message);
    // Fixed in place: the message goes as soon as the number can be checked.
    await input.pressSequentially("42424242");
    await page.getByRole("alert").getByText(message).waitFor({ state: "detached" });
    expect(await input.getAttribute("aria-invalid")).toBe("false");
  });

  it("lists the known brands from the API", async () => {
    await page.getByRole("cell", { name: "UnionPay" }).waitFor();
    expect(await page.getByRole("row", { name: /^Visa/ }).textContent()).toContain("13, 16 or 19");
    expect(consoleErrors).toEqual([]);
  });
});
