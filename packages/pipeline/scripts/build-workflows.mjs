// Compiles the "use workflow" / "use step" code in src/ into the bundles the runtime loads:
// .well-known/workflow/v1/{flow,step}.js (+ manifest.json). This is `workflow build --target standalone`
// with two changes the CLI has no flags for:
// - only src/ (minus tests) is scanned: the CLI scans every file under the package, dist/ included,
//   which would register each step twice under different ids;
// - packages with native code or their own workers stay outside the step bundle (externalPackages)
//   and are required from node_modules at run time: sharp's prebuilt binary cannot be bundled.
import { writeFile } from "node:fs/promises";
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

// The bundles are CommonJS although they end in .js; this package is "type": "module".
await writeFile(join(root, out, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
console.log(`workflow bundles written to ${out}/`);
