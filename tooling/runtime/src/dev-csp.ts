/**
 * A page from the framework's dev server under the project's Content-Security-Policy: React's
 * development build uses eval() for its debugging features (and says so in the console), which a
 * production policy rightly forbids; in dev only, script-src allows it.
 */
export function allowDevEval(policy: string): string {
  return policy
    .split(";")
    .map((directive) => {
      const d = directive.trim();
      return /^script-src\s/i.test(d) && !d.includes("'unsafe-eval'") ? `${d} 'unsafe-eval'` : d;
    })
    .join("; ");
}
