import { describe, expect, it } from "vitest";
import { json, jsonText } from "./respond.js";

const headersOf = (res: Response) => [...res.headers].sort();

describe("json", () => {
  it("gives the same headers whether they come as a plain object, a Headers or pairs", () => {
    const plain = json(
      { ok: true },
      { status: 201, headers: { "Cache-Control": "no-store", "Content-Type": "x" } },
    );
    const viaHeaders = json(
      { ok: true },
      { status: 201, headers: new Headers({ "cache-control": "no-store" }) },
    );
    const pairs = json({ ok: true }, { status: 201, headers: [["cache-control", "no-store"]] });
    for (const res of [plain, viaHeaders, pairs]) {
      expect(res.status).toBe(201);
      expect(headersOf(res)).toEqual([
        ["cache-control", "no-store"],
        ["content-type", "application/json; charset=utf-8"],
      ]);
    }
  });

  it("serialises the body, or takes text already serialised", async () => {
    expect(await json({ a: [1, "é"] }).json()).toEqual({ a: [1, "é"] });
    expect(await jsonText('{"b":2}').json()).toEqual({ b: 2 });
    expect(headersOf(jsonText("{}"))).toEqual([["content-type", "application/json; charset=utf-8"]]);
  });
});
