"use client";

import { useId, useState } from "react";
import useSWR from "swr";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "@/lib/auth-errors";
import { deviceLabel } from "@/lib/device-label";
import { formatRelative } from "@/lib/format";

/** Where the account is signed in, newest first; any other device can be signed out from here. */
export function SessionList({ currentSessionId }: { currentSessionId: string }) {
  const id = useId();
  const { data, error, isLoading, mutate } = useSWR("auth:sessions", async () => {
    const { data, error } = await authClient.listSessions();
    if (error) throw error;
    return [...data].sort((a, b) => +new Date(b.createdAt) - +new Date(a.createdAt));
  });
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const revoke = async (token: string) => {
    setBusy(token);
    setProblem(null);
    const { error } = await authClient.revokeSession({ token });
    setBusy(null);
    if (error) setProblem(authErrorMessage(error, "That session could not be signed out. Try again."));
    await mutate();
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} style={{ marginTop: 0, fontSize: "1.1rem" }}>
        Where you are signed in
      </h2>
      {isLoading ? (
        <div className="skeleton" style={{ height: "3rem" }} role="status" aria-label="Loading" />
      ) : null}
      {error ? (
        <p className="error-text">{authErrorMessage(error, "The sessions could not be loaded.")}</p>
      ) : null}
      {data ? (
        <ul className="plain" aria-label="Sessions">
          {data.map((session) => {
            const current = session.id === currentSessionId;
            return (
              <li key={session.id}>
                <span>
                  <strong>{deviceLabel(session.userAgent)}</strong>
                  {current ? (
                    <span className="badge ok" style={{ marginLeft: "0.5rem" }}>
                      This device
                    </span>
                  ) : null}
                  <span className="hint" style={{ display: "block" }}>
                    Signed in {formatRelative(new Date(session.createdAt), new Date())}
                    {session.ipAddress ? ` from ${session.ipAddress}` : ""}
                  </span>
                </span>
                {current ? null : (
                  <button
                    type="button"
                    className="small"
                    onClick={() => revoke(session.token)}
                    disabled={busy !== null}
                  >
                    {busy === session.token ? "Signing out…" : "Sign out"}
                    <span className="visually-hidden"> {deviceLabel(session.userAgent)}</span>
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      <p role="alert" className="error-text">
        {problem}
      </p>
    </section>
  );
}
