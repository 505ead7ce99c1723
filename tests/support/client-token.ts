/** What a Vercel Blob client token carries (it is base64, signed, not encrypted). */
export function clientTokenPayload(clientToken: string): {
  pathname: string;
  maximumSizeInBytes?: number;
  onUploadCompleted?: { callbackUrl: string; tokenPayload?: string };
} {
  const encoded = clientToken.split("_")[4] ?? "";
  const signed = Buffer.from(encoded, "base64").toString().split(".")[1] ?? "";
  return JSON.parse(Buffer.from(signed, "base64").toString());
}
