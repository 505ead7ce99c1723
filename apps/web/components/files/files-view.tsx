"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { useSession } from "@/lib/auth-client";
import { SignInPrompt } from "../auth/sign-in-prompt";
import { FileList, resultsButtonId } from "./file-list";
import { RESULT_HEADING_ID, ResultView } from "./result-view";
import { UploadQueue } from "./upload-queue";
import { useBlobConfig } from "./use-blob-config";

/**
 * The files page: the signed-in user's own files. Someone not signed in is asked to sign in first.
 */
export function FilesView() {
  const { data: session, isPending } = useSession();
  if (isPending)
    return <div className="skeleton" style={{ height: "8rem" }} role="status" aria-label="Loading" />;
  if (!session) return <SignInPrompt next="/files" what="upload and see your files" />;
  return <SignedInFiles userId={session.user.id} />;
}

/**
 * The file whose results are shown is in the URL (`/files?view=uploads/a.csv`), so it can be
 * bookmarked and the back button closes it.
 */
function SignedInFiles({ userId }: { userId: string }) {
  const { data: config, error, mutate: refreshConfig } = useBlobConfig(userId);
  const [refreshKey, setRefreshKey] = useState(0);
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const view = params.get("view") || null;

  // Whether this page pushed the history entry that shows the view: closing then goes back to the
  // entry before it; a view opened from a link or a reload is closed by replacing the URL instead.
  const pushedView = useRef(false);
  const onOpen = useCallback(
    (path: string) => {
      if (path === view) {
        document.getElementById(RESULT_HEADING_ID)?.focus();
        return;
      }
      const url = `${pathname}?${new URLSearchParams({ view: path })}`;
      // One history entry for the view, whichever files it shows in turn: back closes it.
      if (view === null) {
        pushedView.current = true;
        router.push(url, { scroll: false });
      } else router.replace(url, { scroll: false });
    },
    [view, pathname, router],
  );
  const close = useCallback(() => {
    if (pushedView.current) {
      pushedView.current = false;
      router.back();
    } else router.replace(pathname, { scroll: false });
  }, [router, pathname]);

  // When the view closes (close button, Escape, back button), focus returns to its file's Results button.
  const previous = useRef<string | null>(view);
  useEffect(() => {
    const was = previous.current;
    previous.current = view;
    if (was === null || view !== null) return;
    pushedView.current = false;
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    const target = document.getElementById(resultsButtonId(was)) ?? document.getElementById("files-title");
    target?.focus();
  }, [view]);

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
        <UploadQueue
          config={config}
          onUploaded={() => {
            setRefreshKey((k) => k + 1);
            // The quota shown counts the new file.
            void refreshConfig();
          }}
        />
      ) : null}
      {view ? <ResultView key={view} path={view} onClose={close} /> : null}
      <FileList refreshKey={refreshKey} openPath={view} onOpen={onOpen} />
    </>
  );
}
