"use client";

import { passkeySignUpSchema } from "@repo/validation/accounts";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useId, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage, safeNext } from "@/lib/auth-errors";

/**
 * Create an account: name and email, then a passkey (nothing to remember), or a password instead.
 * A passkey sign-up creates the account only once the authenticator has answered.
 */
export function SignUpForm() {
  const id = useId();
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const [usePassword, setUsePassword] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (form: FormData) => {
    setError(null);
    const details = passkeySignUpSchema.safeParse({
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
    });
    if (!details.success) {
      setError(details.error.issues[0]?.message ?? "Check your name and email.");
      return;
    }
    setBusy(true);
    const { error } = usePassword
      ? await authClient.signUp.email({ ...details.data, password: String(form.get("password") ?? "") })
      : await authClient.passkey.addPasskey({
          context: JSON.stringify(details.data),
          createSession: true,
          name: "Passkey from sign-up",
        });
    setBusy(false);
    if (error) setError(authErrorMessage(error, "The account could not be created. Try again."));
    else router.replace(next);
  };

  return (
    <section className="card auth-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} style={{ marginTop: 0, fontSize: "1.2rem" }}>
        Create an account
      </h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit(new FormData(event.currentTarget));
        }}
      >
        <div>
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} name="name" type="text" autoComplete="name" maxLength={80} required />
        </div>
        <div>
          <label htmlFor={`${id}-email`}>Email</label>
          <input id={`${id}-email`} name="email" type="email" autoComplete="email" maxLength={254} required />
        </div>
        {usePassword ? (
          <div>
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              name="password"
              type="password"
              autoComplete="new-password"
              minLength={10}
              maxLength={128}
              aria-describedby={`${id}-password-hint`}
              required
            />
            <p id={`${id}-password-hint`} className="hint" style={{ margin: "0.25rem 0 0" }}>
              At least 10 characters.
            </p>
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy
            ? usePassword
              ? "Creating your account…"
              : "Waiting for your passkey…"
            : usePassword
              ? "Create account"
              : "Create account with a passkey"}
        </button>
      </form>
      <p role="alert" className="error-text" aria-live="assertive">
        {error}
      </p>
      <p className="hint">
        {usePassword ? (
          <button type="button" className="small" onClick={() => setUsePassword(false)}>
            Use a passkey instead
          </button>
        ) : (
          <>
            A passkey signs you in with your fingerprint, face or device PIN: no password to remember.{" "}
            <button type="button" className="small" onClick={() => setUsePassword(true)}>
              Use a password instead
            </button>
          </>
        )}
      </p>
      <p className="hint">
        Have an account? <Link href={`/sign-in?${new URLSearchParams({ next })}`}>Sign in</Link>
      </p>
    </section>
  );
}
