"use client";

import { useState } from "react";
import { FileList } from "./file-list";
import { UploadQueue } from "./upload-queue";
import { useBlobConfig } from "./use-blob-config";

export function FilesView() {
  const { data: config, error } = useBlobConfig();
  const [refreshKey, setRefreshKey] = useState(0);
  return (
    <>
      {error ? <p className="error-text">The storage settings could not be loaded: {error.message}</p> : null}
      {!config && !error ? (
        <div className="skeleton" style={{ height: "8rem" }} role="status" aria-label="Loading" />
      ) : null}
      {config && !config.clientUploads ? (
        <p className="card error-text">
          Uploads are off: no blob store is connected. Connect Vercel Blob to the project, or run the app with
          pnpm dev.
        </p>
      ) : null}
      {config?.clientUploads ? (
        <UploadQueue config={config} onUploaded={() => setRefreshKey((k) => k + 1)} />
      ) : null}
      <FileList refreshKey={refreshKey} />
    </>
  );
}
