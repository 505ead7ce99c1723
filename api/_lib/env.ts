import { z } from "zod";
import { HttpError } from "./http-error.js";

const origin = z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin);

/**
 * The functions' configuration, read from the environment once and checked variable by variable.
 * Packages never read `process.env`; handlers pass these values in.
 */
const fields = {
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
  /**
   * Set by the local runtime: its workflow engine hands queue messages to the flow and step functions
   * with this secret, and they refuse any other caller. Unset on Vercel, whose queues deliver.
   */
  WORKFLOW_LOCAL_DELIVERY_SECRET: z.string().min(16).optional(),
  /** Worker threads one CSV analysis may use; 1 (the default) keeps it on the step's own thread. */
  PIPELINE_CSV_WORKERS: z.coerce.number().int().min(1).max(16).optional(),
  /**
   * A CSV larger than this many bytes is analysed in chunks of this size, one workflow step each (one
   * function invocation each on Vercel), in parallel, and merged. Default 128 MiB (the pipeline's).
   */
  PIPELINE_CHUNK_BYTES: z.coerce.number().int().min(1024).optional(),
  /** How many chunk steps of one file run at once. Default 4 (the pipeline's). */
  PIPELINE_CHUNK_PARALLEL: z.coerce.number().int().min(1).max(256).optional(),
  /**
   * PostgreSQL for accounts and sessions (Neon from the Vercel Marketplace sets it). Without it the
   * local runtime lends its embedded PGlite database; on Vercel nothing stands in.
   */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Signs session cookies; 32 characters or more (`openssl rand -base64 32`). The local runtime keeps one in .data/. */
  BETTER_AUTH_SECRET: z.string().min(32).optional(),
  /**
   * The URL people open the app at: sessions, passkeys and the upload-completion callback follow it.
   * On Vercel it defaults to the production or deployment URL; the local runtime sets its own origin.
   */
  APP_URL: origin.optional(),
  /** More origins allowed to send state-changing requests, comma-separated. */
  TRUSTED_ORIGINS: z
    .string()
    .transform((list) =>
      list
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin))
    .optional(),
  /** GitHub sign-in, switched on when both are set (callback: <APP_URL>/api/auth/callback/github). */
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  /** What one user may store, in bytes (their own files; results are not counted). Default 1 GiB. */
  STORAGE_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(1024 ** 3),
  /** Sign-in, sign-up, passkey ceremonies, password changes and account deletion, per client address. */
  RATE_LIMIT_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Client upload tokens, per user. */
  RATE_LIMIT_UPLOAD_TOKENS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Server-side uploads through /api/blobs/upload, per user. */
  RATE_LIMIT_UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Reprocess requests, per user. */
  RATE_LIMIT_REPROCESS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** How many times one version of a file may be processed on request, first run included. */
  REPROCESS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /**
   * How function logs are written: `json` (one JSON object per line, with the request id: what
   * Vercel's Runtime Logs and log drains parse into fields) or `text` (console output as written,
   * which the local runtime groups under each invocation). Default: json on Vercel, text elsewhere.
   */
  LOG_FORMAT: z.enum(["json", "text"]).optional(),
  /**
   * An OTLP/HTTP collector (e.g. http://localhost:4318, a local Jaeger) to send traces to from
   * anywhere. On Vercel traces go to the project's trace drains with no setting at all.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Vercel sets these on its machines: there, the filesystem is not storage. */
  VERCEL: z.string().optional(),
  VERCEL_ENV: z.string().optional(),
  VERCEL_URL: z.string().optional(),
  VERCEL_BRANCH_URL: z.string().optional(),
  VERCEL_PROJECT_PRODUCTION_URL: z.string().optional(),
};

type Fields = typeof fields;
export type EnvName = keyof Fields;
export type Env = { [K in EnvName]: z.output<Fields[K]> };

let cached: { values: Env; problems: Partial<Record<EnvName, string>> } | undefined;

function load() {
  if (!cached) {
    const values = {} as Record<string, unknown>;
    const problems: Partial<Record<EnvName, string>> = {};
    for (const [name, schema] of Object.entries(fields) as [EnvName, z.ZodType][]) {
      const raw = process.env[name];
      const result = schema.safeParse(raw === "" ? undefined : raw);
      if (result.success) values[name] = result.data;
      else {
        // A bad value is reported and treated as unset, so it disables only what needs it.
        problems[name] = z.prettifyError(result.error).replace(/^✖ /, "");
        values[name] = schema.safeParse(undefined).data;
      }
    }
    cached = { values: values as Env, problems };
  }
  return cached;
}

/** The checked environment. A variable with a bad value reads as unset; `envProblems` names it. */
export function env(): Env {
  return load().values;
}

/** The variables set to values that are not accepted, each with why. */
export function envProblems(): Partial<Record<EnvName, string>> {
  return load().problems;
}

/**
 * Stops a feature whose settings are wrong with a 503 naming the variable, so one bad value
 * turns off only what depends on it.
 *
 * @example requireValidEnv("CRON_SECRET")
 */
export function requireValidEnv(...names: EnvName[]): void {
  const problems = load().problems;
  for (const name of names) {
    const problem = problems[name];
    if (problem) {
      throw new HttpError(
        503,
        "misconfigured",
        `${name} is set to a value that is not accepted: ${problem}`,
        {
          variable: name,
        },
      );
    }
  }
}
