"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { UserMenu } from "./auth/user-menu";

const LINKS = [
  { href: "/weather", label: "Weather" },
  { href: "/files", label: "Files" },
  { href: "/card", label: "Card check" },
] as const;

/** The header on every page, with who is signed in; marks the current page for screen readers too. */
export function SiteNav() {
  const pathname = usePathname();
  return (
    <header className="site">
      <nav aria-label="Main">
        <Link href="/" className="brand">
          Serverless on Vercel
        </Link>
        {LINKS.map((link) => (
          <Link
            key={link.href}
            href={link.href}
            className="nav-link"
            aria-current={pathname === link.href ? "page" : undefined}
          >
            {link.label}
          </Link>
        ))}
        <UserMenu />
      </nav>
    </header>
  );
}
