"use client";

import type { RunStatus } from "@repo/validation/api/blobs";
import { useState } from "react";
import { formatBytes } from "@/lib/bytes";
import { formatDuration } from "@/lib/format";
import { between, triggerLabel } from "@/lib/result-format";
import type { BlobResult, FileFacts } from "@/lib/result-types";

/** A time of day, with the full date and time on hover and for machines. */
export function Time({ iso }: { iso: string }) {
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={date.toLocaleString()}>
      {date.toLocaleTimeString()}
    </time>
  );
}

/** What every processed file gets: size, hash, sniffed against claimed type. */
export function FileFactsList({ file }: { file: FileFacts }) {
  return (
    <>
      {file.mismatch ? (
        <p className="warn-note" role="note">
          <strong>Type mismatch.</strong> The upload said <code>{file.claimedType || "(none)"}</code>, but its
          bytes are {file.description} (<code>{file.sniffedType}</code>).
        </p>
      ) : null}
      <dl className="facts">
        <dt>Size</dt>
        <dd>
          {formatBytes(file.size)} <span className="hint">({file.size.toLocaleString("en-US")} bytes)</span>
        </dd>
        <dt>SHA-256</dt>
        <dd>
          {file.sha256 === null ? (
            <span className="hint">
              Not computed: the file was analysed in chunks, none of which reads it all.
            </span>
          ) : (
            <Sha256 value={file.sha256} />
          )}
        </dd>
        <dt>Detected type</dt>
        <dd>
          {file.description} <code>{file.sniffedType}</code>
        </dd>
        <dt>Claimed type</dt>
        <dd>
          <code>{file.claimedType || "(none)"}</code>{" "}
          {file.mismatch ? (
            <span className="badge bad">Mismatch</span>
          ) : (
            <span className="hint">matches</span>
          )}
        </dd>
      </dl>
    </>
  );
}

function Sha256({ value }: { value: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };
  return (
    <span className="hash">
      <code data-testid="sha256">{value}</code>{" "}
      <button type="button" className="small" onClick={() => void copy()}>
        Copy <span className="visually-hidden">SHA-256</span>
      </button>{" "}
      <span role="status" className="hint" style={{ display: "inline" }}>
        {copied === "yes" ? "Copied" : copied === "no" ? "Select the hash to copy it" : ""}
      </span>
    </span>
  );
}

/** Queued → started → finished, with the waits between, the analysis time, attempt and trigger. */
export function Timings({ result, run }: { result: BlobResult; run: { status: RunStatus } | null }) {
  const t = result.timings;
  const waited = between(t.queuedAt, t.startedAt);
  const took = t.durationMs ?? between(t.startedAt, t.finishedAt);
  return (
    <dl className="facts">
      <dt>Queued</dt>
      <dd>
        <Time iso={t.queuedAt} />
      </dd>
      {t.startedAt ? (
        <>
          <dt>Started</dt>
          <dd>
            <Time iso={t.startedAt} />
            {waited !== null ? <span className="hint"> · {formatDuration(waited)} in the queue</span> : null}
          </dd>
        </>
      ) : null}
      {t.finishedAt ? (
        <>
          <dt>Finished</dt>
          <dd>
            <Time iso={t.finishedAt} />
            {took !== null ? <span className="hint"> · {formatDuration(took)} after starting</span> : null}
          </dd>
        </>
      ) : null}
      {t.analysisMs !== null ? (
        <>
          <dt>Analysis</dt>
          <dd>{formatDuration(t.analysisMs)}</dd>
        </>
      ) : null}
      <dt>Attempt</dt>
      <dd>{result.attempt}</dd>
      <dt>Trigger</dt>
      <dd>{triggerLabel(result.trigger)}</dd>
      {run ? (
        <>
          <dt>Workflow run</dt>
          <dd>{run.status}</dd>
        </>
      ) : null}
    </dl>
  );
}
