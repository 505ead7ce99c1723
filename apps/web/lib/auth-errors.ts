/** An error as Better Auth's client hands it back. */
export interface AuthClientError {
  code?: string | undefined;
  message?: string | undefined;
  status: number;
  statusText?: string;
}

const MESSAGES: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "That email and password do not match an account.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "An account with this email already exists. Sign in instead.",
  USER_ALREADY_EXISTS: "An account with this email already exists. Sign in instead.",
  PASSWORD_TOO_SHORT: "The password is too short: use at least 10 characters.",
  PASSWORD_TOO_LONG: "The password is too long: use at most 128 characters.",
  INVALID_EMAIL: "That does not look like an email address.",
  INVALID_PASSWORD: "That password is not right.",
  AUTH_CANCELLED: "The passkey prompt was closed before it finished.",
  REGISTRATION_CANCELLED: "The passkey prompt was closed before it finished.",
  ERROR_CEREMONY_ABORTED: "The passkey prompt was closed before it finished.",
  PREVIOUSLY_REGISTERED: "This authenticator already holds a passkey for this account.",
  AUTHENTICATION_FAILED: "That passkey could not be checked. Try again, or use your password.",
  PASSKEY_NOT_FOUND: "This passkey is not registered here: it may have been removed from the account.",
  FAILED_TO_VERIFY_REGISTRATION: "The passkey could not be verified. Try again.",
  SESSION_EXPIRED: "For your safety, sign in again before doing this.",
  SESSION_NOT_FRESH: "For your safety, sign in again before doing this.",
  INVALID_ORIGIN: "The request came from another site and was refused.",
};

/** The words to show for an auth error: ours for known codes, else the server's, else a fallback. */
export function authErrorMessage(error: AuthClientError | null | undefined, fallback: string): string {
  if (!error) return fallback;
  if (error.code && MESSAGES[error.code]) return MESSAGES[error.code] as string;
  if (error.status === 0) return "Could not reach the server. Check your connection and try again.";
  if (error.status === 429) return "Too many attempts. Wait a moment and try again.";
  if (error.status >= 500) return "Something went wrong on our side. Please try again.";
  return error.message || fallback;
}

/**
 * Where to go after signing in: `next` when it is a path on this site, else the default. A full
 * URL or a protocol-relative one ("//evil.example") would send people to another site.
 */
export function safeNext(next: string | null, fallback = "/files"): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}
