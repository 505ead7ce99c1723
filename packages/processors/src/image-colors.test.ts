import { describe, expect, it } from "vitest";
import { dominantColors } from "./image-colors.ts";

function rgba(...runs: [number, [number, number, number, number]][]): Uint8Array {
  const out: number[] = [];
  for (const [count, px] of runs) for (let i = 0; i < count; i++) out.push(...px);
  return new Uint8Array(out);
}

describe("dominantColors", () => {
  it("returns nothing for an empty or fully transparent image", () => {
    expect(dominantColors(new Uint8Array(0))).toEqual([]);
    expect(dominantColors(rgba([100, [255, 0, 0, 0]]))).toEqual([]);
  });

  it("orders colours by share and caps them at the count asked for", () => {
    const colors = dominantColors(
      rgba(
        [50, [255, 0, 0, 255]],
        [25, [0, 255, 0, 255]],
        [15, [0, 0, 255, 255]],
        [6, [255, 255, 0, 255]],
        [3, [0, 0, 0, 255]],
        [1, [255, 255, 255, 255]],
      ),
      3,
    );
    // The real top three, not three blends of six colours.
    expect(colors).toEqual([
      { hex: "#ff0000", share: 0.5 },
      { hex: "#00ff00", share: 0.25 },
      { hex: "#0000ff", share: 0.15 },
    ]);
  });

  it("keeps near-identical shades as one colour", () => {
    const colors = dominantColors(rgba([60, [200, 10, 10, 255]], [40, [204, 12, 8, 255]]));
    expect(colors).toHaveLength(1);
    expect(colors[0]?.share).toBe(1);
  });
});
