/** What the pipeline refuses, as a stable code the API maps to a status in its one error mapper. */
export type PipelineErrorCode = "busy" | "derived" | "not_found";

export class PipelineError extends Error {
  override readonly name = "PipelineError";
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
  ) {
    super(message);
  }
}
