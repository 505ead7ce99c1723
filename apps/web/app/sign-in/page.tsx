import type { Metadata } from "next";
import { Suspense } from "react";
import { AuthCardSkeleton } from "@/components/auth/auth-card-skeleton";
import { SignInForm } from "@/components/auth/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <>
      <h1>Sign in</h1>
      <p className="lede">
        Your files are yours alone: sign in to upload, see their results and manage them.
      </p>
      <Suspense fallback={<AuthCardSkeleton />}>
        <SignInForm />
      </Suspense>
    </>
  );
}
