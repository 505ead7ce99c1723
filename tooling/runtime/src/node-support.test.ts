import { describe, expect, it } from "vitest";
import { endOfLifeNote } from "./node-support.ts";

describe("endOfLifeNote", () => {
  it("names a Node past its end of life and the major to run on", () => {
    const note = endOfLifeNote("20.20.2");
    expect(note).toContain("Node 20.20.2 is past its end of life");
    expect(note).toContain("Node 24");
    expect(note.endsWith("\n")).toBe(true);
  });

  it("says nothing on the majors Vercel runs", () => {
    expect(endOfLifeNote("22.12.0")).toBe("");
    expect(endOfLifeNote("24.11.1")).toBe("");
  });
});
