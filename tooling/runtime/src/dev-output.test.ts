import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { forwardDevOutput, showDevLine } from "./dev-output.ts";

describe("showDevLine", () => {
  it("drops Next's banner lines that name the private port, coloured or not", () => {
    expect(showDevLine("   - Local:         http://127.0.0.1:43111", 43111)).toBe(false);
    expect(showDevLine("- Network:       http://127.0.0.1:43111", 43111)).toBe(false);
    expect(showDevLine("\u001b[2m- Local:\u001b[22m http://localhost:43111", 43111)).toBe(false);
  });

  it("keeps everything else: other ports, errors naming the port, the version line", () => {
    expect(showDevLine("- Local:         http://127.0.0.1:3000", 43111)).toBe(true);
    expect(showDevLine("Error: listen EADDRINUSE: address already in use 127.0.0.1:43111", 43111)).toBe(true);
    expect(showDevLine("▲ Next.js 16.4.6 (Turbopack)", 43111)).toBe(true);
    expect(showDevLine("⚠ Compiled with warnings", 43111)).toBe(true);
  });
});

describe("forwardDevOutput", () => {
  it("forwards whole lines, the banner left out", async () => {
    const from = new PassThrough();
    const to = new PassThrough();
    const out: string[] = [];
    to.on("data", (chunk: Buffer) => out.push(chunk.toString()));
    forwardDevOutput(from, to, 5000);
    from.write("▲ Next.js 16\n- Local:  http://127.0.0.1:50");
    from.end("00\n✓ Ready in 300ms\n");
    await new Promise((resolve) => from.on("close", resolve).on("end", resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.join("")).toBe("▲ Next.js 16\n✓ Ready in 300ms\n");
  });
});
