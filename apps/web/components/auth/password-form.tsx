"use client";

import { useId, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "@/lib/auth-errors";

/** Change the password; every other device is signed out with it. */
export function PasswordForm() {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    setBusy(true);
    setMessage(null);
    const { error } = await authClient.changePassword({
      currentPassword: String(data.get("current") ?? ""),
      newPassword: String(data.get("next") ?? ""),
      revokeOtherSessions: true,
    });
    setBusy(false);
    if (error) setMessage({ ok: false, text: authErrorMessage(error, "The password could not be changed.") });
    else {
      form.reset();
      setMessage({ ok: true, text: "Password changed. Your other devices are signed out." });
    }
  };

  return (
    <section className="card auth-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} style={{ marginTop: 0, fontSize: "1.1rem" }}>
        Password
      </h2>
      <form
        className="auth-card"
        style={{ margin: 0 }}
        onSubmit={(event) => {
          event.preventDefault();
          void submit(event.currentTarget);
        }}
      >
        <div>
          <label htmlFor={`${id}-current`}>Current password</label>
          <input
            id={`${id}-current`}
            name="current"
            type="password"
            autoComplete="current-password"
            required
          />
        </div>
        <div>
          <label htmlFor={`${id}-next`}>New password</label>
          <input
            id={`${id}-next`}
            name="next"
            type="password"
            autoComplete="new-password"
            minLength={10}
            maxLength={128}
            required
          />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? "Changing…" : "Change password"}
        </button>
      </form>
      <p role={message?.ok ? "status" : "alert"} className={message?.ok ? "ok-text" : "error-text"}>
        {message?.text}
      </p>
    </section>
  );
}
