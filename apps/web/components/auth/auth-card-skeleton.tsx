/** What an auth page shows while its form waits for the URL's search params (a static export). */
export function AuthCardSkeleton() {
  return (
    <div className="skeleton auth-card" style={{ height: "20rem" }} role="status" aria-label="Loading" />
  );
}
