// Runs static/traceability/verify-core.js under Node with the bundled npm libraries, as the
// browser does: reads {"rpc": URL, "bundles": [...]} on stdin, prints one verdict per bundle.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const root = path.resolve(__dirname, "..", "..");
const libsPath = process.env.VERIFIER_LIBS || path.join(root, "node_modules", ".chophien", "verifier", "libs.js");
vm.runInThisContext(fs.readFileSync(libsPath, "utf8"), { filename: libsPath });
const corePath = path.join(root, "static", "traceability", "verify-core.js");
vm.runInThisContext(fs.readFileSync(corePath, "utf8"), { filename: corePath });

(async () => {
  const input = JSON.parse(fs.readFileSync(0, "utf8"));
  const verdicts = [];
  for (const bundle of input.bundles) {
    const started = performance.now();
    const facts = await globalThis.ChoPhienVerify.chainFacts(bundle, input.rpc, globalThis.ChoPhienLibs);
    const verdict = globalThis.ChoPhienVerify.verifyBundle(bundle, facts, globalThis.ChoPhienLibs);
    verdict.ms = performance.now() - started;
    verdicts.push(verdict);
  }
  process.stdout.write(JSON.stringify(verdicts));
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(2);
});
