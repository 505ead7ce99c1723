import type { PipelineError } from "@repo/pipeline/errors";
import { HttpError } from "./http-error.js";

const STATUS: Record<PipelineError["code"], number> = { busy: 409, derived: 400, not_found: 404 };

/** The pipeline's refusals as HTTP errors. */
export function pipelineToHttpError(error: PipelineError): HttpError {
  return new HttpError(
    STATUS[error.code],
    error.code === "busy" ? "still_processing" : error.code,
    error.message,
  );
}
