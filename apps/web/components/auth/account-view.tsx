"use client";

import Link from "next/link";
import { useId, useState } from "react";
import { authClient, useSession } from "@/lib/auth-client";
import { authErrorMessage } from "@/lib/auth-errors";
import { DeleteAccount } from "./delete-account";
import { PasskeyList } from "./passkey-list";
import { PasswordForm } from "./password-form";
import { SessionList } from "./session-list";
import { useHasPassword } from "./use-has-password";

/** The account page: who you are, where you are signed in, your passkeys, password, and leaving. */
export function AccountView() {
  const id = useId();
  const { data, isPending } = useSession();
  const hasPassword = useHasPassword(Boolean(data));
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (isPending)
    return <div className="skeleton" style={{ height: "10rem" }} role="status" aria-label="Loading" />;
  if (!data) {
    return (
      <section className="card">
        <p>You are not signed in.</p>
        <p>
          <Link href="/sign-in?next=/account">Sign in</Link> or{" "}
          <Link href="/sign-up?next=/account">create an account</Link>.
        </p>
      </section>
    );
  }

  const signOut = async () => {
    setSigningOut(true);
    setError(null);
    const { error } = await authClient.signOut();
    setSigningOut(false);
    if (error) setError(authErrorMessage(error, "Signing out did not work. Try again."));
    // A full load, so nothing of this account stays in the page's memory.
    else window.location.assign("/");
  };

  return (
    <div className="stack">
      <section className="card" aria-labelledby={`${id}-you`}>
        <h2 id={`${id}-you`} style={{ marginTop: 0, fontSize: "1.1rem" }}>
          You
        </h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{data.user.name}</dd>
          <dt>Email</dt>
          <dd>{data.user.email}</dd>
          <dt>Member since</dt>
          <dd>{new Date(data.user.createdAt).toLocaleDateString()}</dd>
        </dl>
        <button type="button" onClick={signOut} disabled={signingOut}>
          {signingOut ? "Signing out…" : "Sign out"}
        </button>
        <p role="alert" className="error-text">
          {error}
        </p>
      </section>
      <SessionList currentSessionId={data.session.id} />
      <PasskeyList />
      {hasPassword ? <PasswordForm /> : null}
      <DeleteAccount email={data.user.email} hasPassword={hasPassword} />
    </div>
  );
}
