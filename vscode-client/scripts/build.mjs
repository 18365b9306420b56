// Bundles the extension with esbuild (dist/extension.js), or the unit tests (--tests: dist-test/).
import { build } from "esbuild";
import { readdirSync } from "node:fs";

const production = process.argv.includes("--production");
const common = { bundle: true, platform: "node", format: "cjs", target: "node20", sourcemap: !production, logLevel: "info" };

if (process.argv.includes("--tests")) {
  const dir = "src/test/unit";
  await build({
    ...common,
    entryPoints: readdirSync(dir).filter((f) => f.endsWith(".test.ts")).map((f) => `${dir}/${f}`),
    outdir: "dist-test",
    external: ["vscode"],
  });
} else {
  await build({
    ...common,
    entryPoints: ["src/extension.ts"],
    outfile: "dist/extension.js",
    external: ["vscode"],
    minify: production,
  });
}
