import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ModuleLoader } from "./loader.ts";
import { LOCAL_CONFIG_FILE, type LocalConfigFactory, loadLocalConfig } from "./local-config.ts";

/** A project with a vercel-local.config.ts whose default export is `factory`. */
async function load(factory: unknown) {
  const root = await mkdtemp(join(tmpdir(), "local-config-"));
  await writeFile(join(root, LOCAL_CONFIG_FILE), "// stands in for the module below\n");
  const loader: ModuleLoader = {
    load: async () => ({ default: factory }),
    onChange: () => {},
    close: async () => {},
  };
  return loadLocalConfig(root, loader, { origin: "http://localhost:3000", root, mode: "dev" });
}

describe("loadLocalConfig", () => {
  it("answers empty parts without a config file", async () => {
    const root = await mkdtemp(join(tmpdir(), "local-config-"));
    const loader = { load: async () => ({}) } as unknown as ModuleLoader;
    const loaded = await loadLocalConfig(root, loader, { origin: "", root, mode: "dev" });
    expect(loaded).toEqual({ env: {}, mounts: [] });
  });

  it("carries env, mounts and the ready and close hooks", async () => {
    let called = 0;
    let closed = 0;
    const handler = () => new Response("svc");
    const factory: LocalConfigFactory = ({ origin }) => ({
      env: { SVC: `${origin}/__svc` },
      mounts: { "/__svc": handler },
      ready: () => {
        called++;
      },
      close: () => {
        closed++;
      },
    });
    const loaded = await load(factory);
    expect(loaded.env).toEqual({ SVC: "http://localhost:3000/__svc" });
    expect(loaded.mounts).toEqual([["/__svc", handler]]);
    await loaded.ready?.();
    expect(called).toBe(1);
    await loaded.close?.();
    expect(closed).toBe(1);
  });

  it("has no ready hook when the config names none", async () => {
    expect((await load(() => ({}))).ready).toBeUndefined();
  });

  it("rejects a ready or close that is not a function", async () => {
    await expect(load(() => ({ ready: "soon" }))).rejects.toThrow(/ready must be a function/);
    await expect(load(() => ({ close: "later" }))).rejects.toThrow(/close must be a function/);
  });
});
