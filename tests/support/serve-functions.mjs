// A functions-only dev runtime in its own process, for tests that must kill the server: node
// serve-functions.mjs <root> <port>. Prints "ready <url>" once it serves.
import { createRuntime } from "@repo/runtime";

const [root, port] = process.argv.slice(2);
process.chdir(root);
const runtime = await createRuntime({ root, mode: "dev", port: Number(port), app: false, crons: false });
console.log(`ready ${runtime.url}`);
