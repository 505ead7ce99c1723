import type { Metadata } from "next";
import { Suspense } from "react";
import { FilesView } from "@/components/files/files-view";

export const metadata: Metadata = { title: "Files" };

export default function FilesPage() {
  return (
    <>
      <h1>Files</h1>
      <p className="lede">
        The blob container. Large files go from your browser straight to storage with a scoped, expiring
        upload token (the seed's SAS token); the app hears about each one when storage calls back. Each new
        file starts a durable workflow (the blob trigger) that analyses it and writes a result: statistics of
        a CSV, the palette and metadata of an image.
      </p>
      <Suspense
        fallback={<div className="skeleton" style={{ height: "8rem" }} role="status" aria-label="Loading" />}
      >
        <FilesView />
      </Suspense>
    </>
  );
}
