import { z } from "zod";

/**
 * The functions' configuration, read from the environment once and checked. Packages never read
 * `process.env`; handlers pass these values in.
 */
const envSchema = z.object({
  OPEN_METEO_BASE_URL: z.url({ protocol: /^https?$/ }).default("https://api.open-meteo.com"),
  NWS_BASE_URL: z.url({ protocol: /^https?$/ }).default("https://api.weather.gov"),
  /** Budget of one Open-Meteo attempt; one retry follows a timeout, so the worst case is about twice this. */
  OPEN_METEO_TIMEOUT_MS: z.coerce.number().int().min(100).max(20_000).default(4000),
  /** NWS refuses requests without a User-Agent and asks for a way to reach the operator. */
  NWS_USER_AGENT: z
    .string()
    .min(1)
    .default("serverless-on-vercel weather-by-zip (set NWS_USER_AGENT to your contact)"),
  /** Set by connecting a Vercel Blob store; without it the local filesystem store is used. */
  BLOB_READ_WRITE_TOKEN: z.string().min(1).optional(),
  /** The access mode the Vercel Blob store was created with. */
  BLOB_ACCESS: z.enum(["public", "private"]).default("public"),
  /** Where the filesystem store keeps blobs, relative to the project root. */
  BLOB_DIR: z.string().min(1).default(".data/blobs"),
  /**
   * Set by the local runtime: the dev origin's endpoint speaking the Vercel Blob protocol over the
   * filesystem store, and the token it accepts. Client uploads then follow production's path offline.
   */
  BLOB_LOCAL_API_URL: z.url().optional(),
  BLOB_LOCAL_READ_WRITE_TOKEN: z.string().min(1).optional(),
  /**
   * Vercel sends it as `Authorization: Bearer …` with every cron invocation; the local runtime sets a
   * random one. Without it the cron endpoint refuses to run rather than run for anyone.
   */
  CRON_SECRET: z.string().min(16).optional(),
  /** Worker threads one CSV analysis may use; 1 (the default) keeps it on the step's own thread. */
  PIPELINE_CSV_WORKERS: z.coerce.number().int().min(1).max(16).optional(),
  /** Vercel sets this on its machines: there, the filesystem is not storage. */
  VERCEL: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** The checked environment; a misconfiguration names the variable in the error. */
export function env(): Env {
  if (!cached) {
    const result = envSchema.safeParse(process.env);
    if (!result.success) throw new Error(`Invalid environment: ${z.prettifyError(result.error)}`);
    cached = result.data;
  }
  return cached;
}
