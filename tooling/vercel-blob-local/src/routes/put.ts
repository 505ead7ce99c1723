import { blobJson, checkPathname, type ProtocolContext } from "../context.ts";
import { fileTooLarge, notImplemented } from "../errors.ts";
import { withRandomSuffix } from "../pathnames.ts";
import type { Auth } from "../tokens.ts";
import { checkParams, json, requiredParam } from "../wire.ts";
import { storeWrite, uploadCompleted, writeOptions } from "../write.ts";

/** `PUT {api}/?pathname=P`: the body is the blob. A client token's size limit is checked on the declared length first. */
export async function put(
  ctx: ProtocolContext,
  request: Request,
  params: URLSearchParams,
  auth: Auth,
): Promise<Response> {
  checkParams(params, ["pathname"], "put");
  const requested = requiredParam(params, "pathname");
  if (requested.endsWith("/")) throw notImplemented("createFolder (a pathname ending in /)");
  const pathname = checkPathname(requested);
  const write = writeOptions(request, auth, pathname);
  const declared = Number(
    request.headers.get("x-content-length") ?? request.headers.get("content-length") ?? NaN,
  );
  if (write.maxBytes !== undefined && declared > write.maxBytes) throw fileTooLarge(write.maxBytes);
  const target = write.addRandomSuffix ? withRandomSuffix(pathname) : pathname;
  const meta = await storeWrite(ctx, target, request.body ?? new Uint8Array(), write);
  const blob = blobJson(ctx, meta);
  await uploadCompleted(ctx, auth, blob);
  return json(200, blob);
}
