/** GET /api/health (also /healthz): the function runs, and on which Node.js. */
export interface HealthAnswer {
  status: "ok";
  node: string;
}

export const healthEndpoint = { method: "GET", path: "/api/health" } as const;
