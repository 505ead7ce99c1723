import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@repo/runtime";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { signInBrowser, signUp } from "./accounts.js";
import { launchChromium } from "./chromium.js";
import { REPO_ROOT } from "./paths.js";

export interface BrowserApp {
  runtime: Runtime;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The filesystem blob store's folder, in a temp dir of its own. */
  blobDir: string;
  close(): Promise<void>;
}

export interface BrowserAppOptions {
  /** The temp folder's prefix, so a leftover one names its test. */
  name: string;
  context?: BrowserContextOptions;
  crons?: boolean;
}

/**
 * The app as `pnpm start` serves it, offline (the filesystem blob store in a fresh temp folder),
 * with Chromium signed in as a new user: the set-up every signed-in browser test starts from.
 * Screenshots go to test-results/.
 */
export async function openSignedInApp({
  name,
  context: options,
  crons = false,
}: BrowserAppOptions): Promise<BrowserApp> {
  const blobDir = await mkdtemp(join(tmpdir(), `${name}-`));
  process.env.BLOB_DIR = blobDir;
  delete process.env.BLOB_READ_WRITE_TOKEN;
  let runtime: Runtime | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await runtime?.close();
    await rm(blobDir, { recursive: true, force: true, maxRetries: 10 });
  };
  try {
    runtime = await createRuntime({ root: REPO_ROOT, mode: "start", port: 0, crons });
    browser = await launchChromium();
    const context = await browser.newContext(options);
    await signInBrowser(context, await signUp(runtime.url));
    const page = await context.newPage();
    await mkdir("test-results", { recursive: true });
    return { runtime, browser, context, page, blobDir, close };
  } catch (error) {
    // A half-started app would keep the test process alive: stop what did start.
    await close();
    throw error;
  }
}
