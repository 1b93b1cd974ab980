// Bundle the verifier's npm libraries for the browser: `npm ci` (and `npm install`) run this as
// package.json's "postinstall", so `npm ci --omit=dev` then collectstatic ships it (README,
// "Build"). @openzeppelin/merkle-tree is CommonJS; esbuild (a runtime dependency for this reason)
// makes one self-contained script, served as vendor/verifier/libs.js (NPM_STATIC_ASSETS).
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const outdir = process.argv[2] || join(root, "node_modules", ".chophien", "verifier");

mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: [join(here, "libs.mjs")],
  outfile: join(outdir, "libs.js"),
  bundle: true,
  format: "iife",
  globalName: "ChoPhienLibs",
  platform: "browser",
  target: ["es2020"],
  minify: true,
  legalComments: "eof",
  absWorkingDir: root,
  logLevel: "warning",
});
