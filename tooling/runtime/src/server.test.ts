import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "./server.ts";

async function write(root: string, file: string, text: string) {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), text);
}

/** Polls until the check passes: file watchers report changes a little later. */
async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const vercelJson = {
  cleanUrls: true,
  outputDirectory: "web/out",
  functions: { "api/slow.ts": { maxDuration: 1 } },
  rewrites: [
    { source: "/hi", destination: "/api/hello" },
    { source: "/api/echo/:rest*", destination: "/api/echo?via=rewrite" },
  ],
};

let root: string;
let runtime: Runtime;
const get = (path: string) => fetch(`${runtime.url}${path}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "runtime-"));
  await write(root, "vercel.json", JSON.stringify(vercelJson));
  await write(root, "api/_greeting.ts", 'export const greeting: string = "hello";\n');
  await write(
    root,
    "api/hello.ts",
    'import { greeting } from "./_greeting.js";\nexport const GET = () => Response.json({ greeting });\n',
  );
  await write(root, "api/echo.ts", "export const GET = (r: Request) => Response.json({ url: r.url });\n");
  await write(root, "api/slow.ts", "export const GET = () => new Promise(() => {});\n");
  await write(root, "web/out/index.html", "<h1>home</h1>");
  await write(root, "web/out/about.html", "<h1>about</h1>");
  await write(root, "web/out/404.html", "<h1>lost</h1>");
  await write(
    root,
    "vercel-local.config.ts",
    `export default ({ origin }: { origin: string }) => ({
  env: { LOCAL_SERVICE_URL: origin + "/__svc" },
  mounts: { "/__svc": (req: Request) => Response.json({ path: new URL(req.url).pathname, method: req.method }) },
});\n`,
  );
  await write(
    root,
    "api/env.ts",
    "export const GET = () => Response.json({ url: process.env.LOCAL_SERVICE_URL });\n",
  );
  runtime = await createRuntime({ root, mode: "dev", port: 0 });
});

afterAll(async () => {
  await runtime?.close();
  await rm(root, { recursive: true, force: true });
});

describe("dev mode", () => {
  it("runs a TypeScript function, and again after a helper it imports changes", async () => {
    expect(await (await get("/api/hello")).json()).toEqual({ greeting: "hello" });
    await write(root, "api/_greeting.ts", 'export const greeting: string = "hej";\n');
    await eventually(
      async () => ((await (await get("/api/hello")).json()) as { greeting: string }).greeting === "hej",
    );
  });

  it("gives a rewritten function the URL the client asked for, the rewrite's parameters added", async () => {
    const url = async (path: string) => new URL(((await (await get(path)).json()) as { url: string }).url);
    const deep = await url("/api/echo/a/b?x=1");
    expect(deep.pathname).toBe("/api/echo/a/b");
    expect(Object.fromEntries(deep.searchParams)).toEqual({ x: "1", rest: "a/b", via: "rewrite" });
    // The client's own parameter of the same name wins.
    expect((await url("/api/echo/a?via=client")).searchParams.getAll("via")).toEqual(["client"]);
  });

  it("tells a function the client's address as Vercel does, whatever the client claims", async () => {
    await write(
      root,
      "api/ip.ts",
      'export const GET = (r: Request) => Response.json({ ip: r.headers.get("x-forwarded-for"), real: r.headers.get("x-real-ip") });\n',
    );
    await eventually(async () => (await get("/api/ip")).status === 200);
    const res = await fetch(`${runtime.url}/api/ip`, {
      headers: { "x-forwarded-for": "6.6.6.6", "x-real-ip": "6.6.6.6" },
    });
    const body = (await res.json()) as { ip: string; real: string };
    expect(body.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(body.real).toBe(body.ip);
  });

  it("does not pass Next's launch-editor endpoint through", async () => {
    expect((await get("/__nextjs_launch-editor?file=/etc/passwd")).status).toBe(404);
  });

  it("serves a function added while running, and forgets one removed", async () => {
    await write(root, "api/added.ts", 'export const GET = () => new Response("new");\n');
    await eventually(async () => (await get("/api/added")).status === 200);
    await rm(join(root, "api/added.ts"));
    await eventually(async () => (await get("/api/added")).status === 404);
  });

  it("picks up a vercel.json change", async () => {
    expect((await get("/hello-again")).status).toBe(404);
    await write(
      root,
      "vercel.json",
      JSON.stringify({
        ...vercelJson,
        rewrites: [...vercelJson.rewrites, { source: "/hello-again", destination: "/api/hello" }],
      }),
    );
    await eventually(async () => (await get("/hello-again")).status === 200);
  });

  it("stops a function at its maxDuration with a 504", async () => {
    const started = Date.now();
    const res = await get("/api/slow");
    expect(res.status).toBe(504);
    expect(res.headers.get("x-vercel-error")).toBe("FUNCTION_INVOCATION_TIMEOUT");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("answers a function that fails to load with Vercel's 500, and keeps serving others", async () => {
    await write(root, "api/broken.ts", "export const GET = () => {\n");
    await eventually(async () => (await get("/api/broken")).status === 500);
    expect((await get("/api/hello")).status).toBe(200);
  });
});

describe("vercel-local.config.ts", () => {
  it("mounts a local service on the origin, with no function limits, and tells the functions where it is", async () => {
    const res = await fetch(`${runtime.url}/__svc/a/b`, { method: "PUT", body: "x".repeat(5 * 1024 * 1024) });
    expect(await res.json()).toEqual({ path: "/__svc/a/b", method: "PUT" });
    expect(await (await get("/api/env")).json()).toEqual({ url: `${runtime.url}/__svc` });
  });
});

describe("start mode", () => {
  let prod: Runtime;
  beforeAll(async () => {
    prod = await createRuntime({ root, mode: "start", port: 0 });
  });
  afterAll(async () => {
    await prod?.close();
  });

  it("serves the static output with clean URLs and the 404 page", async () => {
    const at = (p: string) => fetch(`${prod.url}${p}`, { redirect: "manual" });
    expect(await (await at("/about")).text()).toBe("<h1>about</h1>");
    expect((await at("/about.html")).headers.get("location")).toBe("/about");
    const missing = await at("/missing");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("<h1>lost</h1>");
    expect(await (await at("/hi")).json()).toMatchObject({ greeting: expect.any(String) });
  });
});
