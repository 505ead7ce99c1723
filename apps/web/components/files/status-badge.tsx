import { statusBadge } from "@/lib/result-format";
import type { ResultSummary } from "@/lib/result-types";

/**
 * The processing status of one file in words ("Queued", "Processing 42%", "Done", "Failed"), the
 * colour only repeating them; a failure's reason is written out beside it.
 */
export function StatusBadge({
  result,
  uploadedAt,
  now,
}: {
  result: Pick<ResultSummary, "status" | "progress" | "error"> | null;
  uploadedAt: string;
  now: number;
}) {
  const { label, tone } = statusBadge(result, uploadedAt, now);
  const reason = result?.status === "failed" ? result.error?.message : undefined;
  return (
    <span className="status-cell">
      <span className={`badge ${tone}`} data-testid="status-badge" title={reason}>
        {label}
      </span>
      {reason ? <span className="status-reason">{reason}</span> : null}
      {!result && label === "Not processed" ? (
        <span className="status-reason muted">Not queued yet: open Results to process it.</span>
      ) : null}
    </span>
  );
}
