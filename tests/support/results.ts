import type { Account } from "./accounts.js";

/**
 * Waits until the blob trigger has finished with one of an account's files (done or failed) and
 * answers its result document.
 */
// biome-ignore lint/suspicious/noExplicitAny: the result document as JSON; each test asserts what it needs
export async function settledResult(account: Account, path: string, timeoutMs = 20_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await account.client.call("GET", `/api/blobs/result?path=${encodeURIComponent(path)}`);
    const status = res.json?.result?.status;
    if (status === "done" || status === "failed") return res.json.result;
    if (Date.now() > until) throw new Error(`${path} is still ${status ?? "unqueued"}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
