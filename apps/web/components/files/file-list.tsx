"use client";

import { useState } from "react";
import useSWR from "swr";
import { type ApiError, getJson } from "@/lib/api";
import { formatBytes } from "@/lib/bytes";

export interface BlobRow {
  path: string;
  size: number;
  contentType: string;
  uploadedAt: string;
  etag: string;
  meta: Record<string, string>;
}

const contentUrl = (path: string) => `/api/blobs/content?${new URLSearchParams({ path })}`;

/** The stored files: size, type and date, a download link, and delete with confirmation. */
export function FileList({ refreshKey }: { refreshKey: number }) {
  const { data, error, isLoading, mutate } = useSWR<{ blobs: BlobRow[]; cursor: string | null }, ApiError>(
    ["/api/blobs?prefix=uploads/", refreshKey],
    ([url]: [string, number]) => getJson(url),
    { revalidateOnFocus: true },
  );
  const [confirming, setConfirming] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

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
  };

  return (
    <section className="card" style={{ marginTop: "1rem" }} aria-labelledby="files-title">
      <h2 id="files-title" style={{ fontSize: "1.1rem", marginTop: 0 }}>
        Stored files
      </h2>
      {isLoading ? (
        <div className="skeleton" style={{ height: "5rem" }} role="status" aria-label="Loading the files" />
      ) : null}
      {error ? <p className="error-text">Could not list the files: {error.message}</p> : null}
      {problem ? (
        <p className="error-text" role="alert">
          {problem}
        </p>
      ) : null}
      {data && data.blobs.length === 0 ? <p className="hint">No files yet: upload one above.</p> : null}
      {data && data.blobs.length > 0 ? (
        <div style={{ overflowX: "auto" }}>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
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
                const name = b.path.replace(/^uploads\//, "");
                return (
                  <tr key={b.path}>
                    <td style={{ wordBreak: "break-all" }}>{name}</td>
                    <td>{formatBytes(b.size)}</td>
                    <td>{b.contentType}</td>
                    <td>
                      <time dateTime={b.uploadedAt}>{new Date(b.uploadedAt).toLocaleString()}</time>
                    </td>
                    <td className="row" style={{ flexWrap: "nowrap" }}>
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
