"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useId, useState } from "react";
import { authClient, useSession } from "@/lib/auth-client";
import { authErrorMessage, safeNext } from "@/lib/auth-errors";
import { useAuthMethods } from "./use-auth-methods";

/** Sign in with a passkey, with email and password, or with GitHub when it is configured. */
export function SignInForm() {
  const id = useId();
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const { data: methods } = useAuthMethods();
  const { data: session } = useSession();
  const [busy, setBusy] = useState<"passkey" | "password" | "github" | null>(null);
  const [error, setError] = useState<string | null>(null);

  const done = () => router.replace(next);

  const withPasskey = async () => {
    setBusy("passkey");
    setError(null);
    const { error } = await authClient.signIn.passkey();
    setBusy(null);
    if (error) setError(authErrorMessage(error, "Signing in with a passkey did not work. Try again."));
    else done();
  };

  const withPassword = async (form: FormData) => {
    setBusy("password");
    setError(null);
    const { error } = await authClient.signIn.email({
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    setBusy(null);
    if (error) setError(authErrorMessage(error, "Signing in did not work. Try again."));
    else done();
  };

  const withGitHub = async () => {
    setBusy("github");
    setError(null);
    const { error } = await authClient.signIn.social({ provider: "github", callbackURL: next });
    if (error) {
      setBusy(null);
      setError(authErrorMessage(error, "GitHub sign-in could not start. Try again."));
    }
  };

  if (session && busy === null) {
    return (
      <section className="card auth-card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`} style={{ marginTop: 0, fontSize: "1.2rem" }}>
          You are signed in
        </h2>
        <p>
          As <strong>{session.user.email}</strong>.
        </p>
        <p className="row">
          <Link className="button-link primary" href={next}>
            Continue
          </Link>
          <Link className="button-link" href="/account">
            Your account
          </Link>
        </p>
      </section>
    );
  }

  return (
    <section className="card auth-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} style={{ marginTop: 0, fontSize: "1.2rem" }}>
        Sign in
      </h2>
      <button type="button" className="primary wide" onClick={withPasskey} disabled={busy !== null}>
        {busy === "passkey" ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </button>
      {methods?.github ? (
        <button
          type="button"
          className="wide"
          style={{ marginTop: "0.5rem" }}
          onClick={withGitHub}
          disabled={busy !== null}
        >
          {busy === "github" ? "Opening GitHub…" : "Sign in with GitHub"}
        </button>
      ) : null}
      <p className="divider">or with your password</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void withPassword(new FormData(event.currentTarget));
        }}
      >
        <div>
          <label htmlFor={`${id}-email`}>Email</label>
          <input id={`${id}-email`} name="email" type="email" autoComplete="username" required />
        </div>
        <div>
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
        </div>
        <button type="submit" disabled={busy !== null}>
          {busy === "password" ? "Signing in…" : "Sign in with password"}
        </button>
      </form>
      <p role="alert" className="error-text" aria-live="assertive">
        {error}
      </p>
      <p className="hint">
        New here? <Link href={`/sign-up?${new URLSearchParams({ next })}`}>Create an account</Link>
      </p>
    </section>
  );
}
