import { describe, expect, it } from "vitest";
import { formatLengths } from "./card-brands";

describe("formatLengths", () => {
  it("writes a gapless run as a range", () => expect(formatLengths([16, 17, 18, 19])).toBe("16–19"));
  it("lists lengths with gaps", () => expect(formatLengths([13, 16, 19])).toBe("13, 16 or 19"));
  it("writes one length alone", () => expect(formatLengths([15])).toBe("15"));
});
