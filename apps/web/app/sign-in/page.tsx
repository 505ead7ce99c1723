import type { Metadata } from "next";
import { Suspense } from "react";
import { SignInForm } from "@/components/auth/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <>
      <h1>Sign in</h1>
      <p className="lede">
        Your files are yours alone: sign in to upload, see their results and manage them.
      </p>
      <Suspense
        fallback={
          <div
            className="skeleton auth-card"
            style={{ height: "20rem" }}
            role="status"
            aria-label="Loading"
          />
        }
      >
        <SignInForm />
      </Suspense>
    </>
  );
}
