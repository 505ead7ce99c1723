export {
  CronExpressionError,
  type CronJob,
  type CronSchedule,
  cronMatches,
  nextCronTime,
  parseCron,
} from "./cron.js";
export { type FunctionRoute, matchFunction, scanFunctions } from "./functions.js";
export type {
  LoadedLocalConfig,
  LocalConfig,
  LocalConfigContext,
  LocalConfigFactory,
  MountHandler,
} from "./local-config.js";
export { BODY_LIMIT_BYTES } from "./platform-errors.js";
export { CRON_USER_AGENT, createRuntime, type Runtime, type RuntimeOptions } from "./server.js";
export { loadProjectConfig, type ProjectConfig } from "./vercel-config.js";
