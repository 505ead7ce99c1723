"use client";

import type { BlobResultAnswer } from "@repo/validation/api/blobs";
import { useEffect, useRef, useState } from "react";
import useSWR, { useSWRConfig } from "swr";
import { type ApiError, api } from "@/lib/api";
import { formatBytes } from "@/lib/bytes";
import { fileName, POLL_MS, progressPercent, shouldPollResult } from "@/lib/result-format";
import type { BlobResult } from "@/lib/result-types";
import { ChunkProgress } from "./chunk-progress";
import { CsvResult } from "./csv-result";
import { ImageResult } from "./image-result";
import { isListKey, resultUrl } from "./keys";
import { FileFactsList, Timings } from "./result-facts";
import { StatusBadge } from "./status-badge";

/** The id of the view's heading, where focus goes when it opens. */
export const RESULT_HEADING_ID = "result-title";

/**
 * What the blob trigger made of one file: live while it is queued or processing (a progress bar of
 * the bytes read, and of the chunks when a large CSV is analysed in parallel), then its facts, and a CSV's statistics or an image's thumbnail, palette and
 * metadata. Focus moves to its heading when it opens; Escape or the close button closes it.
 */
export function ResultView({ path, onClose }: { path: string; onClose: () => void }) {
  const name = fileName(path);
  const key = resultUrl(path);
  const { data, error, isLoading, mutate } = useSWR<BlobResultAnswer, ApiError>(
    key,
    () => api.blobs.result(path),
    {
      revalidateOnFocus: false,
      shouldRetryOnError: false,
      refreshInterval: (latest) => (shouldPollResult(latest, Date.now()) ? POLL_MS : 0),
      // Timed refreshes are deduplicated: a window as long as the interval would halve the rate.
      dedupingInterval: POLL_MS / 2,
    },
  );
  const { mutate: mutateAny } = useSWRConfig();

  // The list polls on its own while something is pending; tell it when this file finishes too.
  const status = data ? (data.result?.status ?? null) : undefined;
  const lastStatus = useRef(status);
  useEffect(() => {
    const before = lastStatus.current;
    lastStatus.current = status;
    if (before !== undefined && before !== status && (status === "done" || status === "failed"))
      void mutateAny(isListKey);
  }, [status, mutateAny]);

  const panel = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      const target = event.target as Node | null;
      if (target && panel.current?.contains(target)) {
        event.preventDefault();
        onClose();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  const onReprocessed = (result: BlobResult | null) => {
    void mutate((current) => (current ? { ...current, result } : current), { revalidate: true });
    void mutateAny(isListKey);
  };

  return (
    <section
      ref={panel}
      className="card result-panel"
      aria-labelledby={RESULT_HEADING_ID}
      aria-busy={isLoading}
      data-testid="result-view"
    >
      <div className="result-head">
        <h2 id={RESULT_HEADING_ID} ref={heading} tabIndex={-1}>
          Results for {name}
        </h2>
        <button type="button" onClick={onClose}>
          Close <span className="visually-hidden">results</span>
        </button>
      </div>
      {data ? (
        <p className="hint" style={{ marginTop: 0 }}>
          {formatBytes(data.blob.size)} · <code>{data.blob.contentType}</code> · uploaded{" "}
          <time dateTime={data.blob.uploadedAt}>{new Date(data.blob.uploadedAt).toLocaleString()}</time>
        </p>
      ) : null}

      {!data && isLoading ? <ResultSkeleton /> : null}
      {error ? <ResultError error={error} hasData={!!data} onRetry={() => void mutate()} /> : null}
      {data && error?.status !== 404 ? (
        <ResultBody answer={data} name={name} path={path} onReprocessed={onReprocessed} />
      ) : null}
    </section>
  );
}

function ResultSkeleton() {
  return (
    <div role="status" aria-label="Loading the results">
      <div className="skeleton" style={{ width: "40%", height: "1.2rem" }} />
      <div className="skeleton" style={{ height: "4rem", marginTop: "0.75rem" }} />
      <div className="skeleton" style={{ height: "10rem", marginTop: "0.75rem" }} />
    </div>
  );
}

function ResultError({
  error,
  hasData,
  onRetry,
}: {
  error: ApiError;
  hasData: boolean;
  onRetry: () => void;
}) {
  if (error.status === 404) {
    return (
      <div className="error-card" role="alert">
        <h3>This file is not stored any more</h3>
        <p>{error.message}</p>
      </div>
    );
  }
  if (hasData) {
    // Keep showing the last answer; say that it may be stale.
    return (
      <div className="row" role="alert">
        <p className="error-text">Could not refresh the results: {error.message}</p>
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <div className="error-card" role="alert">
      <h3>The results could not be loaded</h3>
      <p>{error.message}</p>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

function ResultBody({
  answer,
  name,
  path,
  onReprocessed,
}: {
  answer: BlobResultAnswer;
  name: string;
  path: string;
  onReprocessed: (result: BlobResult | null) => void;
}) {
  const { result, run } = answer;
  const now = Date.now();
  if (!result) {
    const waiting = shouldPollResult(answer, now);
    return waiting ? (
      <div className="result-status">
        <p>
          <StatusBadge result={null} uploadedAt={answer.blob.uploadedAt} now={now} /> Waiting for the blob
          trigger to pick up this file…
        </p>
        <progress aria-label="Waiting to be queued" />
      </div>
    ) : (
      <div className="result-status">
        <p>This file has not been processed: it was stored before the trigger saw it.</p>
        <Reprocess path={path} label="Process now" onDone={onReprocessed} />
      </div>
    );
  }

  const pending = result.status === "queued" || result.status === "processing";
  return (
    <>
      <div className="result-status">
        <p className="row" style={{ margin: 0 }}>
          <span>Status:</span>
          <StatusBadge result={{ ...result, error: null }} uploadedAt={answer.blob.uploadedAt} now={now} />
          {result.kind ? <span className="hint">{KIND_LABELS[result.kind]}</span> : null}
        </p>
        {pending ? <Progress result={result} /> : null}
        {result.chunks ? <ChunkProgress chunks={result.chunks} running={pending} /> : null}
        {result.status === "failed" ? (
          <div className="error-card" role="alert">
            <h3>Processing failed</h3>
            <p>{result.error?.message ?? "The workflow gave no reason."}</p>
            {result.error?.code ? (
              <p className="hint">
                Code <code>{result.error.code}</code>
              </p>
            ) : null}
          </div>
        ) : null}
        {!pending ? <Reprocess path={path} onDone={onReprocessed} /> : null}
      </div>

      <section>
        <h3>Timings</h3>
        <Timings result={result} run={run} />
      </section>

      {result.file ? (
        <section>
          <h3>File</h3>
          <FileFactsList file={result.file} />
        </section>
      ) : null}

      {result.status === "done" && result.csv ? <CsvResult csv={result.csv} /> : null}
      {result.status === "done" && result.image ? <ImageResult image={result.image} name={name} /> : null}
    </>
  );
}

const KIND_LABELS = { csv: "CSV statistics", image: "Image analysis", file: "File facts" } as const;

function Progress({ result }: { result: BlobResult }) {
  const p = result.progress;
  if (result.status === "queued" || !p || !(p.total > 0)) {
    return (
      <p className="progress-line">
        <progress aria-label={result.status === "queued" ? "Waiting to start" : "Starting"} />
        <span className="hint">{result.status === "queued" ? "Waiting to start…" : "Starting…"}</span>
      </p>
    );
  }
  const text = `${formatBytes(p.bytes)} of ${formatBytes(p.total)} read`;
  return (
    <p className="progress-line">
      <progress max={p.total} value={Math.min(p.bytes, p.total)} aria-label={text} />
      <span className="hint">
        {text} ({progressPercent(p)}%)
      </span>
    </p>
  );
}

/** POST /api/blobs/reprocess: a new attempt; a 409 (still queued or processing) is shown as said. */
function Reprocess({
  path,
  label = "Process again",
  onDone,
}: {
  path: string;
  label?: string;
  onDone: (result: BlobResult | null) => void;
}) {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const run = async () => {
    setPending(true);
    setProblem(null);
    try {
      const answer = await api.blobs.reprocess(path);
      onDone(answer.result);
    } catch (error) {
      setProblem((error as ApiError).message ?? "The file could not be queued again. Try again.");
    } finally {
      setPending(false);
    }
  };
  return (
    <div>
      <button type="button" onClick={() => void run()} disabled={pending}>
        {label}
      </button>
      <span role="status" className="hint" style={{ marginLeft: "0.5rem" }}>
        {pending ? "Queuing…" : ""}
      </span>
      {problem ? (
        <p className="error-text" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
