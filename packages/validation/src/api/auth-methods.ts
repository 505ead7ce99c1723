/** GET /api/auth-methods: which ways to sign in this deployment offers. */
export interface AuthMethodsAnswer {
  emailAndPassword: boolean;
  passkey: boolean;
  /** Only when its OAuth app is configured. */
  github: boolean;
}

export const authMethodsEndpoint = { method: "GET", path: "/api/auth-methods" } as const;
