/**
 * The prices the runtime's cost estimate uses: the only place they are written. Each names where it
 * was read and when. List prices in USD, before any plan's included usage (Pro includes 16 h of
 * active CPU, 1,440 GB-h of provisioned memory and 1 M invocations a month), which the estimate
 * leaves out: it prices the work, not a bill.
 */
export const PRICES = {
  vercel: {
    region: "iad1 (Washington, D.C.)",
    /** Fluid compute, Pro, per hour of active CPU. */
    activeCpuPerHour: 0.128,
    /** Fluid compute, Pro, per GB-hour of provisioned memory. */
    provisionedMemoryPerGbHour: 0.0106,
    /** Per million invocations past the included million. */
    invocationsPerMillion: 0.6,
    /**
     * Vercel's memory when vercel.json names none (fluid compute's "Standard" size, 2 GB / 1 vCPU).
     * Not checked against a page on the date below: taken from the functions documentation as
     * remembered; every function of this project names its memory, so it is seldom used.
     */
    defaultMemoryMb: 2048,
    source: "https://vercel.com/docs/fluid-compute/pricing",
    /**
     * Read through the `search` tool's stored copy of the page (a mirror of vercel.com/docs), not
     * vercel.com live: the regional table lists iad1 at $0.128 per CPU-hour and $0.0106 per GB-hr,
     * and $0.60 per extra million invocations.
     */
    takenOn: "2026-12-06",
  },
  alwaysOn: {
    name: "AWS EC2 m7g.large on demand, us-east-1 (2 vCPU, 8 GiB), Linux",
    perHour: 0.0816,
    vcpus: 2,
    memoryGb: 8,
    /** Held under this share of its CPU, so that bursts and the process's own work have room. */
    targetUtilisation: 0.5,
    source: "https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/",
    /**
     * A third-party summary of AWS's rate card (dated June 2026), not aws.amazon.com itself, which
     * could not be read from here; the figure is unverified against AWS.
     */
    takenOn: "2026-12-06",
  },
  /** Hours in the month the estimate prices (365 × 24 / 12). */
  hoursPerMonth: 730,
} as const;
