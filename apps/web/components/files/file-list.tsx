"use client";

import { useEffect, useRef, useState } from "react";
import useSWR, { useSWRConfig } from "swr";
import { type ApiError, getJson } from "@/lib/api";
import { formatBytes } from "@/lib/bytes";
import { announceChanges, fileName, POLL_MS, shouldPollList } from "@/lib/result-format";
import type { BlobListAnswer, ResultStatus } from "@/lib/result-types";
import { CONFIG_URL, LIST_URL, resultUrl } from "./keys";
import { StatusBadge } from "./status-badge";

export type { BlobRow } from "@/lib/result-types";

const contentUrl = (path: string) => `/api/blobs/content?${new URLSearchParams({ path })}`;
/** The id of a file's Results button, where focus returns when its result view closes. */
export const resultsButtonId = (path: string) => `results-${encodeURIComponent(path)}`;

/**
 * The stored files: size, type and date, processing status (live while something is under way), a
 * link to the results, a download link, and delete with confirmation.
 */
export function FileList({
  refreshKey,
  openPath,
  onOpen,
}: {
  refreshKey: number;
  /** The file whose results are shown, if any. */
  openPath: string | null;
  /** Shows the results of a file (puts it in the URL). */
  onOpen: (path: string) => void;
}) {
  const { data, error, isLoading, mutate } = useSWR<BlobListAnswer, ApiError>(
    [LIST_URL, refreshKey],
    ([url]: [string, number]) => getJson(url),
    {
      revalidateOnFocus: true,
      keepPreviousData: true,
      // Ask every second only while some file is queued, processing, or freshly uploaded without a result.
      refreshInterval: (latest) => (shouldPollList(latest?.blobs, Date.now()) ? POLL_MS : 0),
      // Timed refreshes are deduplicated: a window as long as the interval would halve the rate.
      dedupingInterval: POLL_MS / 2,
    },
  );
  const { mutate: mutateAny } = useSWRConfig();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const seen = useRef(new Map<string, ResultStatus | null>());

  useEffect(() => {
    if (!data) return;
    const message = announceChanges(seen.current, data.blobs);
    if (message) setAnnouncement(message);
    seen.current = new Map(data.blobs.map((b) => [b.path, b.result?.status ?? null]));
  }, [data]);

  const remove = async (path: string) => {
    setProblem(null);
    const res = await fetch(`/api/blobs?${new URLSearchParams({ path })}`, { method: "DELETE" }).catch(
      () => null,
    );
    setConfirming(null);
    if (!res || (!res.ok && res.status !== 404)) {
      const body = res ? await res.json().catch(() => null) : null;
      setProblem(body?.error?.message ?? "The file could not be deleted. Try again.");
    }
    await mutate();
    // A result view open on this file now says it is gone, and the quota shown has room again.
    void mutateAny(resultUrl(path));
    void mutateAny((key) => Array.isArray(key) && key[0] === CONFIG_URL);
  };

  const now = Date.now();
  return (
    <section className="card" style={{ marginTop: "1rem" }} aria-labelledby="files-title">
      <h2 id="files-title" style={{ fontSize: "1.1rem", marginTop: 0 }} tabIndex={-1}>
        Stored files
      </h2>
      <p role="status" className="visually-hidden" data-testid="files-announcer">
        {announcement}
      </p>
      {isLoading && !data ? (
        <div className="skeleton" style={{ height: "5rem" }} role="status" aria-label="Loading the files" />
      ) : null}
      {error ? (
        <div className="row">
          <p className="error-text">Could not list the files: {error.message}</p>
          <button type="button" onClick={() => void mutate()}>
            Try again
          </button>
        </div>
      ) : null}
      {problem ? (
        <p className="error-text" role="alert">
          {problem}
        </p>
      ) : null}
      {data && data.blobs.length === 0 ? <p className="hint">No files yet: upload one above.</p> : null}
      {data && data.blobs.length > 0 ? (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Size</th>
                <th scope="col">Type</th>
                <th scope="col">Uploaded</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.blobs.map((b) => {
                const name = fileName(b.path);
                const open = openPath === b.path;
                return (
                  <tr key={b.path} data-path={b.path} className={open ? "selected" : undefined}>
                    <td style={{ wordBreak: "break-all", minWidth: "8rem" }}>{name}</td>
                    <td>
                      <StatusBadge result={b.result} uploadedAt={b.uploadedAt} now={now} />
                    </td>
                    <td style={{ whiteSpace: "nowrap" }}>{formatBytes(b.size)}</td>
                    <td>{b.contentType}</td>
                    <td>
                      <time dateTime={b.uploadedAt}>{new Date(b.uploadedAt).toLocaleString()}</time>
                    </td>
                    <td>
                      <div className="row" style={{ flexWrap: "nowrap" }}>
                        <button
                          type="button"
                          id={resultsButtonId(b.path)}
                          aria-current={open ? "true" : undefined}
                          onClick={() => onOpen(b.path)}
                        >
                          Results <span className="visually-hidden">{name}</span>
                        </button>
                        <a href={contentUrl(b.path)} download>
                          Download <span className="visually-hidden">{name}</span>
                        </a>
                        {confirming === b.path ? (
                          <>
                            <button
                              type="button"
                              onClick={() => void remove(b.path)}
                              style={{ color: "var(--bad)" }}
                            >
                              Delete {name}?
                            </button>
                            <button type="button" onClick={() => setConfirming(null)}>
                              Keep
                            </button>
                          </>
                        ) : (
                          <button type="button" onClick={() => setConfirming(b.path)}>
                            Delete <span className="visually-hidden">{name}</span>
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
