import type { Metadata } from "next";
import { AccountView } from "@/components/auth/account-view";

export const metadata: Metadata = { title: "Your account" };

export default function AccountPage() {
  return (
    <>
      <h1>Your account</h1>
      <p className="lede">Where you are signed in, your passkeys and password, and deleting the account.</p>
      <AccountView />
    </>
  );
}
