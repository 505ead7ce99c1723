"use client";

import type { BlobListAnswer } from "@repo/validation/api/blobs";
import { useEffect, useRef, useState } from "react";
import useSWR, { useSWRConfig } from "swr";
import { ApiError, api, apiUrl } from "@/lib/api";
import { formatBytes } from "@/lib/bytes";
import { announceChanges, fileName, POLL_MS, shouldPollList } from "@/lib/result-format";
import type { ResultStatus } from "@/lib/result-types";
import { CONFIG_URL, LIST_QUERY, LIST_URL, resultUrl } from "./keys";
import { StatusBadge } from "./status-badge";

const contentUrl = apiUrl.blobs.content;
/** The id of a file's Results button, where focus returns when its result view closes. */
export const resultsButtonId = (path: string) => `results-${encodeURIComponent(path)}`;
const deleteButtonId = (path: string) => `delete-${encodeURIComponent(path)}`;
const confirmButtonId = (path: string) => `confirm-delete-${encodeURIComponent(path)}`;
const LIST_HEADING_ID = "files-title";

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
    () => api.blobs.list(LIST_QUERY),
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
  // The element to focus once the next render has it: the button that replaces the one just
  // pressed (which unmounts), so keyboard and screen reader users are not thrown to the page's top.
  const focusNext = useRef<string | null>(null);
  useEffect(() => {
    const id = focusNext.current;
    if (!id) return;
    const target = document.getElementById(id);
    if (!target) return;
    focusNext.current = null;
    target.focus();
  });

  useEffect(() => {
    if (!data) return;
    const message = announceChanges(seen.current, data.blobs);
    if (message) setAnnouncement(message);
    seen.current = new Map(data.blobs.map((b) => [b.path, b.result?.status ?? null]));
  }, [data]);

  const remove = async (path: string) => {
    setProblem(null);
    // Focus goes on to the next file (or the one before the last), or to the list's heading.
    const rows = data?.blobs ?? [];
    const index = rows.findIndex((b) => b.path === path);
    const neighbour = rows[index + 1] ?? rows[index - 1];
    // A 404 means it was gone already: deleted all the same.
    const failure = await api.blobs.delete(path).then(
      () => null,
      (error: unknown) => (error instanceof ApiError && error.status === 404 ? null : error),
    );
    setConfirming(null);
    if (failure) {
      setProblem(failure instanceof ApiError ? failure.message : "The file could not be deleted. Try again.");
      focusNext.current = deleteButtonId(path);
    } else {
      focusNext.current = neighbour ? resultsButtonId(neighbour.path) : LIST_HEADING_ID;
      setAnnouncement(`Deleted ${fileName(path)}`);
    }
    await mutate();
    // A result view open on this file now says it is gone, and the quota shown has room again.
    void mutateAny(resultUrl(path));
    void mutateAny((key) => Array.isArray(key) && key[0] === CONFIG_URL);
  };

  const now = Date.now();
  return (
    <section className="card" style={{ marginTop: "1rem" }} aria-labelledby="files-title">
      <h2 id={LIST_HEADING_ID} style={{ fontSize: "1.1rem", marginTop: 0 }} tabIndex={-1}>
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
          <table className="file-table">
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
                    <td className="file-name">{name}</td>
                    <td>
                      <StatusBadge result={b.result} uploadedAt={b.uploadedAt} now={now} />
                    </td>
                    <td className="file-fact file-size">{formatBytes(b.size)}</td>
                    <td className="file-fact">{b.contentType}</td>
                    <td className="file-fact">
                      <time dateTime={b.uploadedAt}>{new Date(b.uploadedAt).toLocaleString()}</time>
                    </td>
                    <td className="file-actions">
                      <div className="row">
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
                              id={confirmButtonId(b.path)}
                              onClick={() => void remove(b.path)}
                              style={{ color: "var(--bad)" }}
                            >
                              Delete {name}?
                            </button>
                            <button
                              type="button"
                              onClick={() => {
                                focusNext.current = deleteButtonId(b.path);
                                setConfirming(null);
                              }}
                            >
                              Keep
                            </button>
                          </>
                        ) : (
                          <button
                            type="button"
                            id={deleteButtonId(b.path)}
                            onClick={() => {
                              focusNext.current = confirmButtonId(b.path);
                              setConfirming(b.path);
                            }}
                          >
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
