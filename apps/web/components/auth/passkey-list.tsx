"use client";

import { useId, useState } from "react";
import useSWR from "swr";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "@/lib/auth-errors";
import { formatRelative } from "@/lib/format";

/** The account's passkeys: add one on this device, remove one that is lost. */
export function PasskeyList() {
  const id = useId();
  const { data, error, isLoading, mutate } = useSWR("auth:passkeys", async () => {
    const { data, error } = await authClient.passkey.listUserPasskeys();
    if (error) throw error;
    return data;
  });
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [added, setAdded] = useState(false);

  const add = async () => {
    setBusy("add");
    setProblem(null);
    setAdded(false);
    const { error } = await authClient.passkey.addPasskey({
      name: `Passkey added ${new Date().toLocaleDateString()}`,
    });
    setBusy(null);
    if (error) setProblem(authErrorMessage(error, "The passkey could not be added. Try again."));
    else setAdded(true);
    await mutate();
  };

  const remove = async (passkeyId: string) => {
    setBusy(passkeyId);
    setProblem(null);
    const { error } = await authClient.passkey.deletePasskey({ id: passkeyId });
    setBusy(null);
    if (error) setProblem(authErrorMessage(error, "The passkey could not be removed. Try again."));
    await mutate();
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} style={{ marginTop: 0, fontSize: "1.1rem" }}>
        Passkeys
      </h2>
      {isLoading ? (
        <div className="skeleton" style={{ height: "2.5rem" }} role="status" aria-label="Loading" />
      ) : null}
      {error ? (
        <p className="error-text">{authErrorMessage(error, "The passkeys could not be loaded.")}</p>
      ) : null}
      {data && data.length === 0 ? (
        <p className="hint">No passkeys yet. Add one to sign in with your fingerprint, face or device PIN.</p>
      ) : null}
      {data && data.length > 0 ? (
        <ul className="plain" aria-label="Passkeys">
          {data.map((key) => (
            <li key={key.id}>
              <span>
                <strong>{key.name || "Passkey"}</strong>
                <span className="hint" style={{ display: "block" }}>
                  {key.deviceType === "multiDevice" ? "Synced across devices" : "On one device"}
                  {key.createdAt ? ` · added ${formatRelative(new Date(key.createdAt), new Date())}` : ""}
                </span>
              </span>
              <button
                type="button"
                className="small danger"
                onClick={() => remove(key.id)}
                disabled={busy !== null}
              >
                {busy === key.id ? "Removing…" : "Remove"}
                <span className="visually-hidden"> {key.name || "passkey"}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <button type="button" onClick={add} disabled={busy !== null}>
          {busy === "add" ? "Waiting for your passkey…" : "Add a passkey on this device"}
        </button>
      </p>
      <p role="status" className="ok-text">
        {added ? "Passkey added." : ""}
      </p>
      <p role="alert" className="error-text">
        {problem}
      </p>
    </section>
  );
}
