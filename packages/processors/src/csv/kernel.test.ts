import { describe, expect, it } from "vitest";
import { checkKernelLayout, createKernel, LABEL_MAX, releaseKernel } from "./kernel.ts";

describe("the kernel's interface", () => {
  it("is the one this side expects", () => {
    const k = createKernel();
    releaseKernel(k);
    expect(() => checkKernelLayout(k as unknown as WebAssembly.Exports)).not.toThrow();
  });

  it("refuses a kernel whose constants differ, naming them", () => {
    const k = createKernel();
    releaseKernel(k);
    const exports = k as unknown as WebAssembly.Exports;
    expect(() => checkKernelLayout(exports, { LABEL_MAX: LABEL_MAX + 1, K_TEXT: 5, K_MISSING: 1 })).toThrow(
      /LABEL_MAX is 100 in the kernel, 101 here; K_MISSING is missing in the kernel, 1 here\); rebuild/,
    );
  });
});
