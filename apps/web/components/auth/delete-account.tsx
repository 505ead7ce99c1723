"use client";

import { useId, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "@/lib/auth-errors";

/**
 * Delete the account and everything in it. Asked twice: the button opens a confirmation that
 * wants the password (or, for an account without one, the email typed out).
 */
export function DeleteAccount({ email, hasPassword }: { email: string; hasPassword: boolean }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (form: FormData) => {
    setError(null);
    const confirmation = String(form.get("confirm") ?? "");
    if (!hasPassword && confirmation.trim().toLowerCase() !== email.toLowerCase()) {
      setError("Type your email address exactly to confirm.");
      return;
    }
    setBusy(true);
    const { error } = await authClient.deleteUser(hasPassword ? { password: confirmation } : {});
    setBusy(false);
    if (error) setError(authErrorMessage(error, "The account could not be deleted. Try again."));
    // A full load, so nothing of this account stays in the page's memory.
    else window.location.assign("/");
  };

  return (
    <section className="card danger" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} style={{ marginTop: 0, fontSize: "1.1rem" }}>
        Delete account
      </h2>
      <p>Your files, their results and thumbnails, your passkeys and sessions are deleted for good.</p>
      {open ? (
        <form
          className="auth-card"
          style={{ margin: 0 }}
          onSubmit={(event) => {
            event.preventDefault();
            void submit(new FormData(event.currentTarget));
          }}
        >
          <div>
            <label htmlFor={`${id}-confirm`}>
              {hasPassword ? "Your password, to confirm" : `Type ${email} to confirm`}
            </label>
            <input
              id={`${id}-confirm`}
              name="confirm"
              type={hasPassword ? "password" : "text"}
              autoComplete={hasPassword ? "current-password" : "off"}
              required
            />
          </div>
          <div className="row">
            <button type="submit" className="danger" disabled={busy}>
              {busy ? "Deleting…" : "Delete my account"}
            </button>
            <button type="button" onClick={() => setOpen(false)} disabled={busy}>
              Keep it
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="danger" onClick={() => setOpen(true)}>
          Delete account…
        </button>
      )}
      <p role="alert" className="error-text">
        {error}
      </p>
    </section>
  );
}
