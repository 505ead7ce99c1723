// Compiles the "use workflow" / "use step" code in src/ into the bundles the runtime loads:
// .well-known/workflow/v1/{flow,step}.js (+ manifest.json). This is `workflow build --target standalone`
// with two changes the CLI has no flags for:
// - only src/ (minus tests) is scanned: the CLI scans every file under the package, dist/ included,
//   which would register each step twice under different ids;
// - packages with native code or their own workers stay outside the step bundle (externalPackages)
//   and are required from node_modules at run time: sharp's prebuilt binary cannot be bundled.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { StandaloneBuilder } from "@workflow/builders";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = ".well-known/workflow/v1";

class PipelineBuilder extends StandaloneBuilder {
  async getInputFiles() {
    const files = await super.getInputFiles();
    return files.filter((file) => {
      const rel = relative(root, file).split(sep).join("/");
      return rel.startsWith("src/") && !/\.test\.tsx?$/.test(rel) && !rel.startsWith("src/test-support/");
    });
  }
}

await new PipelineBuilder({
  dirs: ["src"],
  workingDir: root,
  buildTarget: "standalone",
  stepsBundlePath: `./${out}/step.js`,
  workflowsBundlePath: `./${out}/flow.js`,
  webhookBundlePath: `./${out}/webhook.js`,
  externalPackages: ["sharp", "@repo/processors", "@repo/blob-store"],
}).build();

await Promise.all(["step.js", "flow.js"].map((name) => slimBundle(join(root, out, name))));

// The bundles are CommonJS although they end in .js; this package is "type": "module".
await writeFile(join(root, out, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
console.log(`workflow bundles written to ${out}/`);

/**
 * A bundle as the runtime holds it: V8 keeps a script's whole source text for as long as the
 * function lives, so every worker carried the step bundle's 3.6 MB of code plus its 8.8 MB inline
 * source map, and as two bytes a character, because a few comments have an arrow or a typographic
 * quote in them (24 MB of the step bundle, 7 MB of the flow bundle, in each `pnpm start`; issue 13's
 * memory breakdown). The map moves to a file beside it (`node --enable-source-maps` still finds
 * it), and every character above U+00FF becomes its \uXXXX escape so the text stays one byte a character.
 * esbuild already escapes non-ASCII code, so what is left is in comments (and, in a template
 * literal, an escape has the same value).
 */
async function slimBundle(file) {
  let code = await readFile(file, "utf8");
  const marker = "\n//# sourceMappingURL=data:application/json;base64,";
  const at = code.lastIndexOf(marker);
  const base64 = at >= 0 ? code.slice(at + marker.length).trim() : "";
  // Only the file's own map, on its last line: the flow bundle has none, and the maps inside its
  // workflow code (a template literal the engine runs in a VM) are that code's business.
  if (/^[A-Za-z0-9+/]+=*$/.test(base64)) {
    const map = Buffer.from(base64, "base64");
    await writeFile(`${file}.map`, map);
    code = `${code.slice(0, at)}\n//# sourceMappingURL=${file.split(sep).pop()}.map\n`;
  }
  code = code.replace(/[\u0100-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  await writeFile(file, code);
}
