import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import type { CronRunner } from "../cron-jobs.ts";
import type { Project } from "../project.ts";
import { Recorder } from "./recorder.ts";
import { createDashboardRoutes } from "./routes.ts";

// The answers that depend on who asks; the pages' data is tested over HTTP (tests/http).
const routes = createDashboardRoutes({
  recorder: new Recorder(),
  project: { functions: [] } as unknown as Project,
  crons: { status: () => [] } as unknown as CronRunner,
});
/** A request as the runtime hands it over: `x-forwarded-for` is the socket's peer address. */
const ask = (peer: string | null, url = "http://localhost:3000/__runtime/functions") =>
  routes(new Request(url, { headers: peer === null ? {} : { "x-forwarded-for": peer } }));

describe("the runtime's pages", () => {
  it("answer a peer on this machine: loopback, or one of its own interfaces' addresses", async () => {
    for (const peer of ["127.0.0.1", "::1"]) expect((await ask(peer)).status, peer).toBe(200);
    const own = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && !address.internal);
    if (own) expect((await ask(own.address)).status, own.address).toBe(200);
  });

  it("refuse any other peer with a JSON 403, whatever Host it names", async () => {
    for (const peer of ["192.0.2.7", "2001:db8::7", "", "localhost", null]) {
      const res = await ask(peer);
      expect(res.status, String(peer)).toBe(403);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({
        code: "local_only",
        message: expect.stringMatching(/only this machine/),
      });
    }
  });
});
