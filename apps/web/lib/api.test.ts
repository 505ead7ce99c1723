import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, apiUrl, readAnswer, withQuery } from "./api";

/** Answers every fetch with `response` and records what was asked. */
function answerWith(response: Response | Error) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  vi.stubGlobal("fetch", async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    if (response instanceof Error) throw response;
    return response;
  });
  return calls;
}

const jsonResponse = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("withQuery", () => {
  it("leaves out what is not given and encodes the rest", () => {
    expect(withQuery("/api/blobs", { prefix: "uploads/", cursor: null, limit: undefined })).toBe(
      "/api/blobs?prefix=uploads%2F",
    );
    expect(withQuery("/api/blobs/config")).toBe("/api/blobs/config");
    expect(withQuery("/api/weather", { zipcode: "02134", days: 3 })).toBe(
      "/api/weather?zipcode=02134&days=3",
    );
  });
});

describe("apiUrl", () => {
  it("builds the contract's paths", () => {
    expect(apiUrl.blobs.list({ prefix: "uploads/", limit: 2 })).toBe("/api/blobs?prefix=uploads%2F&limit=2");
    expect(apiUrl.blobs.content('uploads/résumé "1".txt')).toBe(
      "/api/blobs/content?path=uploads%2Fr%C3%A9sum%C3%A9+%221%22.txt",
    );
    expect(apiUrl.blobs.clientUpload).toBe("/api/blobs/client-upload");
    expect(apiUrl.weather({ zipcode: "48824", units: "metric" })).toBe(
      "/api/weather?zipcode=48824&units=metric",
    );
  });
});

describe("api", () => {
  it("deletes with DELETE on the file's URL, answering nothing for a 204", async () => {
    const calls = answerWith(new Response(null, { status: 204 }));
    await expect(api.blobs.delete("uploads/a.csv")).resolves.toBeNull();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("/api/blobs?path=uploads%2Fa.csv");
    expect(calls[0]?.init?.method).toBe("DELETE");
  });

  it("posts a card number as JSON, never in the URL", async () => {
    const calls = answerWith(jsonResponse({ brand: "visa" }));
    await api.card.check("4242424242424242");
    expect(calls[0]?.url).toBe("/api/validate/card");
    expect(calls[0]?.init?.method).toBe("POST");
    expect(calls[0]?.init?.body).toBe('{"number":"4242424242424242"}');
  });

  it("turns our error body into an ApiError with its code, message and details", async () => {
    answerWith(
      jsonResponse(
        { error: { code: "blob_not_found", message: 'No blob at "a".', details: { path: "a" } } },
        404,
      ),
    );
    const error = await api.blobs.info("a").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 404,
      code: "blob_not_found",
      message: 'No blob at "a".',
      details: { path: "a" },
    });
  });

  it("says what it can of an answer that is not ours", async () => {
    const html = new Response("<html>Bad gateway</html>", {
      status: 502,
      statusText: "Bad Gateway",
      headers: { "content-type": "text/html" },
    });
    await expect(readAnswer(html)).rejects.toMatchObject({
      status: 502,
      code: "http_502",
      message: "The server answered 502 Bad Gateway.",
    });
    await expect(readAnswer(jsonResponse({ message: "not our shape" }, 500))).rejects.toMatchObject({
      code: "http_500",
    });
  });

  it("says so when the server cannot be reached", async () => {
    answerWith(new TypeError("Failed to fetch"));
    await expect(api.blobs.config()).rejects.toMatchObject({ status: 0, code: "network_error" });
  });
});
