import { describe, expect, it } from "vitest";
import { formatBytes } from "./bytes";

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [999, "999 B"],
    [1536, "1.5 KB"],
    [20_000_000, "20 MB"],
    [2 * 1024 ** 3, "2.1 GB"],
  ])("%i → %s", (n, text) => expect(formatBytes(n)).toBe(text));
});
