"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useSession } from "@/lib/auth-client";

/** The signed-in user in the nav, linking to their account; or a way to sign in. */
export function UserMenu() {
  const { data, isPending } = useSession();
  const pathname = usePathname();
  if (isPending) return <span className="user-menu skeleton" aria-hidden="true" />;
  if (!data) {
    const here = pathname && pathname !== "/sign-in" && pathname !== "/sign-up" ? pathname : null;
    return (
      <Link
        className="user-menu"
        href={here ? `/sign-in?${new URLSearchParams({ next: here })}` : "/sign-in"}
        aria-current={pathname === "/sign-in" ? "page" : undefined}
      >
        Sign in
      </Link>
    );
  }
  return (
    <Link
      className="user-menu signed-in"
      href="/account"
      aria-current={pathname === "/account" ? "page" : undefined}
      title={`Signed in as ${data.user.email}`}
    >
      <span aria-hidden="true" className="avatar">
        {(data.user.name || data.user.email).slice(0, 1).toUpperCase()}
      </span>
      <span className="user-name">{data.user.name || data.user.email}</span>
      <span className="visually-hidden"> (your account)</span>
    </Link>
  );
}
