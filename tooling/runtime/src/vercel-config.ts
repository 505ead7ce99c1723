import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { getTransformedRoutes, type Route } from "@vercel/routing-utils";
import picomatch from "picomatch";
import { z } from "zod";
import { type CronJob, parseCron } from "./cron.ts";

const routeSource = z.object({ source: z.string(), has: z.array(z.unknown()).optional() }).loose();

/** The parts of vercel.json the local runtime honours; the rest is passed over, as Vercel would. */
const vercelJsonSchema = z
  .object({
    cleanUrls: z.boolean().optional(),
    trailingSlash: z.boolean().optional(),
    rewrites: z.array(routeSource.extend({ destination: z.string() })).optional(),
    redirects: z
      .array(
        routeSource.extend({
          destination: z.string(),
          permanent: z.boolean().optional(),
          statusCode: z.number().optional(),
        }),
      )
      .optional(),
    headers: z
      .array(routeSource.extend({ headers: z.array(z.object({ key: z.string(), value: z.string() })) }))
      .optional(),
    functions: z
      .record(
        z.string(),
        z.object({ memory: z.number().optional(), maxDuration: z.number().optional() }).loose(),
      )
      .optional(),
    crons: z.array(z.object({ path: z.string(), schedule: z.string() })).optional(),
    devCommand: z.string().optional(),
    outputDirectory: z.string().optional(),
  })
  .loose();

export type VercelJson = z.infer<typeof vercelJsonSchema>;

export interface FunctionSettings {
  memory?: number;
  /** Seconds. */
  maxDuration: number;
}

export interface ProjectConfig {
  raw: VercelJson;
  routes: Route[];
  cleanUrls: boolean;
  /** vercel.json's `crons`, their schedules parsed (UTC). */
  crons: CronJob[];
  /** Settings for one function file (a path relative to the project root, e.g. `api/weather.ts`). */
  functionSettings(file: string): FunctionSettings;
}

/** Vercel's default when vercel.json names no maxDuration (fluid compute). */
export const DEFAULT_MAX_DURATION = 300;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Reads and checks vercel.json, and turns it into Vercel's own route table. */
export async function loadProjectConfig(root: string): Promise<ProjectConfig> {
  let text = "{}";
  try {
    text = await readFile(join(root, "vercel.json"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`vercel.json is not valid JSON: ${(error as Error).message}`);
  }
  const result = vercelJsonSchema.safeParse(parsed);
  if (!result.success) throw new ConfigError(`vercel.json: ${z.prettifyError(result.error)}`);
  const raw = result.data;

  const transformed = getTransformedRoutes({
    cleanUrls: raw.cleanUrls,
    trailingSlash: raw.trailingSlash,
    rewrites: raw.rewrites,
    redirects: raw.redirects,
    headers: raw.headers,
  } as Parameters<typeof getTransformedRoutes>[0]);
  if (transformed.error) throw new ConfigError(`vercel.json: ${transformed.error.message}`);

  const crons = raw.crons?.map((entry, index): CronJob => {
    const name = `vercel.json: crons[${index}] (${entry.path})`;
    if (!entry.path.startsWith("/")) throw new ConfigError(`${name}: the path must start with "/"`);
    try {
      return { path: entry.path, schedule: parseCron(entry.schedule) };
    } catch (error) {
      throw new ConfigError(
        `${name}: schedule "${entry.schedule}" is not valid: ${(error as Error).message}`,
      );
    }
  });

  const globs = Object.entries(raw.functions ?? {}).map(([glob, settings]) => ({
    match: picomatch(glob),
    settings,
  }));
  const settingsByFile = new Map<string, FunctionSettings>();
  return {
    raw,
    routes: transformed.routes ?? [],
    cleanUrls: raw.cleanUrls ?? false,
    crons: crons ?? [],
    functionSettings(file) {
      // Asked on every invocation; the globs are fixed for this config, so each file is matched once.
      let out = settingsByFile.get(file);
      if (!out) {
        const found = globs.find((g) => g.match(file))?.settings;
        out = { maxDuration: found?.maxDuration ?? DEFAULT_MAX_DURATION };
        if (found?.memory !== undefined) out.memory = found.memory;
        settingsByFile.set(file, out);
      }
      return { ...out };
    },
  };
}
