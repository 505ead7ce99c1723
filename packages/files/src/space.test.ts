import { describe, expect, it } from "vitest";
import { ownerOf, userSpace } from "./space.ts";

describe("userSpace", () => {
  const a = userSpace("alice01");

  it("puts a user's files and their results in the user's own space, and back", () => {
    expect(a.toStore("uploads/sales.csv")).toBe("users/alice01/uploads/sales.csv");
    expect(a.toStore("_results/uploads/sales.csv/x.json")).toBe(
      "_results/users/alice01/uploads/sales.csv/x.json",
    );
    expect(a.toUser("users/alice01/uploads/sales.csv")).toBe("uploads/sales.csv");
    expect(a.toUser("_results/users/alice01/uploads/sales.csv/x.json")).toBe(
      "_results/uploads/sales.csv/x.json",
    );
    expect(a.roots).toEqual(["users/alice01/", "_results/users/alice01/"]);
    expect(a.filesPrefix).toBe("users/alice01/");
  });

  it("maps list prefixes, partial and empty, inside the space", () => {
    expect(a.toStore("")).toBe("users/alice01/");
    expect(a.toStore("upl")).toBe("users/alice01/upl");
    expect(a.toStore("_results/")).toBe("_results/users/alice01/");
  });

  it("does not claim paths of other spaces, or outside any", () => {
    expect(a.toUser("users/bob/uploads/sales.csv")).toBeNull();
    expect(a.toUser("users/alice012/x")).toBeNull();
    expect(a.toUser("_results/users/bob/x")).toBeNull();
    expect(a.toUser("uploads/legacy.csv")).toBeNull();
    // Not a name a user can have: it would read back as a result.
    expect(a.toUser("users/alice01/_results/x.json")).toBeNull();
  });

  it("cannot be reached out of: whatever the user names stays under their prefixes", () => {
    // Paths reach toStore checked by normalizeBlobPath (no ".." or absolute paths); even named
    // like another space, they land in this one.
    for (const path of ["users/bob/x", "_results/users/bob/x", "_results/_results/users/bob/x"]) {
      const store = a.toStore(path);
      expect(store.startsWith("users/alice01/") || store.startsWith("_results/users/alice01/")).toBe(true);
    }
  });

  it("refuses an id that could bend a path", () => {
    for (const id of ["", "a/b", "..", "a b", "x".repeat(65)]) expect(() => userSpace(id)).toThrow();
  });
});

describe("ownerOf", () => {
  it("names the owner of a file or result, or null", () => {
    expect(ownerOf("users/alice01/uploads/a.csv")).toBe("alice01");
    expect(ownerOf("_results/users/alice01/uploads/a.csv/k.json")).toBe("alice01");
    expect(ownerOf("uploads/a.csv")).toBeNull();
    expect(ownerOf("_results/uploads/a.csv/k.json")).toBeNull();
  });
});
