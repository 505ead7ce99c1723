import { describe, expect, it } from "vitest";
import { requestHeaders } from "./request-headers.ts";

const RAW = [
  "Host",
  "localhost:3000",
  "Content-Type",
  "application/json",
  "X-Two",
  "a",
  "x-two",
  "b",
  "Cookie",
  "a=1",
  "cookie",
  "b=2",
  "Set-Cookie",
  "s=1",
  "set-cookie",
  "t=2",
  "Accept",
  "",
];

/** The Headers `new Request` builds from the same raw pairs. */
function realHeaders(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

describe("requestHeaders", () => {
  it("answers get and has as a real Headers does", () => {
    const names = [
      "host",
      "HOST",
      "content-type",
      "x-two",
      "X-TWO",
      "cookie",
      "set-cookie",
      "accept",
      "missing",
    ];
    for (const name of names) {
      const lazy = requestHeaders(RAW);
      expect(lazy.get(name), name).toBe(realHeaders(RAW).get(name));
      expect(lazy.has(name), name).toBe(realHeaders(RAW).has(name));
    }
  });

  it("throws as a real Headers does for a name that is not a header name", () => {
    for (const name of ["bad name", "", "é"]) {
      expect(() => realHeaders(RAW).get(name)).toThrow(TypeError);
      expect(() => requestHeaders(RAW).get(name)).toThrow(TypeError);
      expect(() => requestHeaders(RAW).has(name)).toThrow(TypeError);
    }
  });

  it("is a Headers, and iterates, copies and changes as one", () => {
    const lazy = requestHeaders(RAW);
    expect(lazy).toBeInstanceOf(Headers);
    expect(Object.prototype.toString.call(lazy)).toBe("[object Headers]");
    expect([...lazy]).toEqual([...realHeaders(RAW)]);
    expect(lazy.getSetCookie()).toEqual(["s=1", "t=2"]);
    expect([...new Headers(lazy)]).toEqual([...realHeaders(RAW)]);
    lazy.set("x-two", "c");
    lazy.delete("cookie");
    lazy.append("x-new", "1");
    expect(lazy.get("x-two")).toBe("c");
    expect(lazy.has("cookie")).toBe(false);
    expect(lazy.get("x-new")).toBe("1");
  });

  it("goes into a Request and a Response as a real Headers does", () => {
    const request = new Request("http://localhost/x", { headers: requestHeaders(RAW) });
    expect([...request.headers]).toEqual([...realHeaders(RAW)]);
    const response = new Response("x", { headers: requestHeaders(["x-a", "1"]) });
    expect(response.headers.get("x-a")).toBe("1");
  });

  it("reads the raw pairs when asked, not when made", () => {
    const raw = ["x-a", "1"];
    const lazy = requestHeaders(raw);
    raw.push("x-b", "2");
    expect(lazy.get("x-b")).toBe("2");
  });
});
