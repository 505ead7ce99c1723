"use client";

import type { BlobConfig } from "@repo/validation/api/blobs";
import { contentTypeAllowed } from "@repo/validation/uploads";
import { useCallback, useId, useRef, useState } from "react";
import { apiUrl } from "@/lib/api";
import { formatBytes } from "@/lib/bytes";

type Status = "uploading" | "done" | "failed" | "cancelled" | "refused";

interface Item {
  id: string;
  name: string;
  size: number;
  loaded: number;
  status: Status;
  message?: string;
  controller?: AbortController;
}

/**
 * Points the browser SDK at the local protocol endpoint when the API says there is one. The SDK
 * reads process.env.VERCEL_BLOB_API_URL on every call; in the browser bundle `process` is Next's
 * polyfill module, and this assignment compiles to that same object.
 */
function pointBlobSdkAt(url: string | null) {
  if (typeof window === "undefined" || !url) return;
  process.env.VERCEL_BLOB_API_URL = url;
}

let sdk: Promise<typeof import("@vercel/blob/client")> | undefined;

/**
 * The browser SDK, loaded only once it is pointed at the right endpoint. When the module loads it
 * decides, from that URL, whether to stream request bodies (for upload progress); Chromium streams
 * uploads only over HTTP/2, and the SDK skips streaming for http://localhost — but only if it sees the
 * local URL at load time. Imported statically, it would see the default and every local upload under
 * 64 MB would fail with ERR_ALPN_NEGOTIATION_FAILED.
 */
function blobClient(url: string | null) {
  pointBlobSdkAt(url);
  sdk ??= import("@vercel/blob/client");
  return sdk;
}

/**
 * Drop or pick several files; each goes straight to storage with a client token from
 * /api/blobs/client-upload, with its own progress bar (bytes sent) and a cancel button.
 */
export function UploadQueue({ config, onUploaded }: { config: BlobConfig; onUploaded: () => void }) {
  const id = useId();
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const update = useCallback((itemId: string, patch: Partial<Item>) => {
    setItems((all) => all.map((it) => (it.id === itemId ? { ...it, ...patch } : it)));
  }, []);

  const start = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const itemId = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      const type = file.type || "application/octet-stream";
      let refusal: string | null = null;
      if (file.size > config.limits.maxBytes) {
        refusal = `Too large: ${formatBytes(file.size)}; the limit is ${formatBytes(config.limits.maxBytes)}.`;
      } else if (config.quota && file.size > config.quota.remainingBytes) {
        refusal = `Does not fit: ${formatBytes(config.quota.remainingBytes)} of your ${formatBytes(config.quota.quotaBytes)} are left. Delete files to make room.`;
      } else if (!contentTypeAllowed(type, config.limits.allowedContentTypes)) {
        refusal = `Files of type ${type} are not accepted.`;
      } else if (file.size === 0) {
        refusal = "The file is empty.";
      }
      if (refusal) {
        setItems((all) => [
          ...all,
          { id: itemId, name: file.name, size: file.size, loaded: 0, status: "refused", message: refusal },
        ]);
        continue;
      }
      const controller = new AbortController();
      setItems((all) => [
        ...all,
        { id: itemId, name: file.name, size: file.size, loaded: 0, status: "uploading", controller },
      ]);
      blobClient(config.clientApiUrl)
        .then(({ upload }) =>
          // The token is issued for a path in the user's own space; the session says whose.
          upload(`${config.uploadPrefix ?? ""}uploads/${file.name}`, file, {
            access: config.access,
            handleUploadUrl: apiUrl.blobs.clientUpload,
            // The token is made for this size: storage refuses anything larger.
            clientPayload: JSON.stringify({ size: file.size }),
            contentType: type,
            multipart: file.size > 64 * 1024 * 1024,
            abortSignal: controller.signal,
            onUploadProgress: ({ loaded }) => update(itemId, { loaded }),
          }),
        )
        .then(() => {
          update(itemId, { status: "done", loaded: file.size });
          onUploaded();
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) update(itemId, { status: "cancelled", message: "Cancelled." });
          else update(itemId, { status: "failed", message: explain(error) });
        });
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} style={{ fontSize: "1.1rem", marginTop: 0 }}>
        Upload files
      </h2>
      <button
        type="button"
        className={`dropzone${dragging ? " dragging" : ""}`}
        onClick={() => picker.current?.click()}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          start(e.dataTransfer.files);
        }}
      >
        <strong>Drop files here</strong> or click to choose
        <span className="hint">
          {config.quota ? (
            <>
              {formatBytes(config.quota.usedBytes)} of your {formatBytes(config.quota.quotaBytes)} used ·{" "}
            </>
          ) : null}
          Up to {formatBytes(config.limits.maxBytes)} each · text, CSV, images, JSON, PDF, ZIP · sent straight
          to {config.store === "vercel-blob" ? "Vercel Blob" : "the local store"} with a token valid for{" "}
          {Math.round(config.limits.tokenValidSeconds / 60)} minutes
        </span>
      </button>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(e) => {
          if (e.target.files) start(e.target.files);
          e.target.value = "";
        }}
      />
      {items.length > 0 ? (
        <ul className="upload-list" aria-label="Uploads">
          {items.map((item) => (
            <li key={item.id} data-status={item.status}>
              <div className="row" style={{ justifyContent: "space-between" }}>
                <span>
                  <strong>{item.name}</strong> <span className="hint">{formatBytes(item.size)}</span>
                </span>
                {item.status === "uploading" ? (
                  <button type="button" onClick={() => item.controller?.abort()}>
                    Cancel <span className="visually-hidden">{item.name}</span>
                  </button>
                ) : (
                  <span className={`badge ${item.status === "done" ? "ok" : "bad"}`}>
                    {LABELS[item.status]}
                  </span>
                )}
              </div>
              {item.status === "uploading" || item.status === "done" ? (
                <progress
                  max={item.size}
                  value={item.loaded}
                  aria-label={`${item.name}: ${formatBytes(item.loaded)} of ${formatBytes(item.size)} sent`}
                />
              ) : null}
              {item.message ? <p className="error-text">{item.message}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

const LABELS: Record<Status, string> = {
  uploading: "Uploading",
  done: "Uploaded",
  failed: "Failed",
  cancelled: "Cancelled",
  refused: "Not sent",
};

function explain(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/retrieve the client token/i.test(message))
    return "The upload was not allowed: your session may have ended, your storage may be full, or too many uploads were started at once. Check, then try again.";
  if (/already exists/i.test(message))
    return "A file with this name is already stored; delete it first or rename the file.";
  if (/content type/i.test(message)) return "The store refused this type of file.";
  if (/Failed to fetch|NetworkError/i.test(message)) return "The upload lost its connection. Try again.";
  return message.replace(/^Vercel Blob: /, "");
}
