import type { Metadata } from "next";
import { FilesView } from "@/components/files/files-view";

export const metadata: Metadata = { title: "Files" };

export default function FilesPage() {
  return (
    <>
      <h1>Files</h1>
      <p className="lede">
        The blob container. Large files go from your browser straight to storage with a scoped, expiring
        upload token (the seed's SAS token); the app hears about each one when storage calls back.
      </p>
      <FilesView />
    </>
  );
}
