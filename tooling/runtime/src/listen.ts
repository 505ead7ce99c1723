import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Starts the server listening; answers the port it got (port 0 asks the OS for a free one). */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      ok();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and drops every connection, idle or not. */
export function stopListening(server: Server): Promise<void> {
  return new Promise<void>((ok) => {
    server.close(() => ok());
    server.closeAllConnections();
  });
}

/** The origin this process reaches its own server on, for the requests it sends itself. */
export function ownOrigin(host: string | undefined, port: number): string {
  if (!host || host === "localhost") return `http://localhost:${port}`;
  // A server on every address is reached on loopback of the same family.
  const to = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${to.includes(":") ? `[${to}]` : to}:${port}`;
}
