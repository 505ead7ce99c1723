import Link from "next/link";

/** In place of a page's private part for someone not signed in, with the way back here after. */
export function SignInPrompt({ next, what }: { next: string; what: string }) {
  const query = new URLSearchParams({ next }).toString();
  return (
    <section className="card" aria-labelledby="sign-in-prompt">
      <h2 id="sign-in-prompt" style={{ marginTop: 0, fontSize: "1.1rem" }}>
        Sign in to {what}
      </h2>
      <p>Each account has its own space: nobody else can see, read or change your files.</p>
      <p className="row">
        <Link className="button-link primary" href={`/sign-in?${query}`}>
          Sign in
        </Link>
        <Link className="button-link" href={`/sign-up?${query}`}>
          Create an account
        </Link>
      </p>
    </section>
  );
}
