export {
  CronExpressionError,
  type CronJob,
  type CronSchedule,
  cronMatches,
  nextCronTime,
  parseCron,
} from "./cron.ts";
export { type FunctionRoute, matchFunction, scanFunctions } from "./functions.ts";
export type {
  LoadedLocalConfig,
  LocalConfig,
  LocalConfigContext,
  LocalConfigFactory,
  MountHandler,
  WorkflowRunView,
} from "./local-config.ts";
export { BODY_LIMIT_BYTES } from "./platform-errors.ts";
export { CRON_USER_AGENT, createRuntime, type Runtime, type RuntimeOptions } from "./server.ts";
export { loadProjectConfig, type ProjectConfig } from "./vercel-config.ts";
