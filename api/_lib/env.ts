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
