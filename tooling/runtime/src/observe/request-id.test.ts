import { describe, expect, it, vi } from "vitest";
import { newRequestId } from "./request-id.ts";

describe("newRequestId", () => {
  it("gives ids in Vercel's shape, unique within a millisecond and across milliseconds", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) ids.add(newRequestId());
    vi.useFakeTimers({ now: Date.now() + 60_000, toFake: ["Date"] });
    try {
      for (let i = 0; i < 5000; i++) ids.add(newRequestId());
      vi.setSystemTime(Date.now() + 1);
      const later = newRequestId();
      ids.add(later);
      expect(later.split("-")[1]).toBe(Date.now().toString(36));
    } finally {
      vi.useRealTimers();
    }
    expect(ids.size).toBe(10_001);
    for (const id of ids) expect(id).toMatch(/^dev1::[0-9a-f]{8}-[0-9a-z]+-[0-9a-z]+$/);
  });
});
