export { type FunctionRoute, matchFunction, scanFunctions } from "./functions.js";
export type { LocalConfig, LocalConfigContext, LocalConfigFactory, MountHandler } from "./local-config.js";
export { BODY_LIMIT_BYTES } from "./platform-errors.js";
export { createRuntime, type Runtime, type RuntimeOptions } from "./server.js";
export { loadProjectConfig, type ProjectConfig } from "./vercel-config.js";
