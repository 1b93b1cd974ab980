// Runs static/traceability/verify-core.js under Node with the bundled npm libraries, as the
// browser does: reads {"rpc": URL, "bundles": [...], "now": seconds?} on stdin, prints one verdict
// per bundle. A node that does not answer leaves the chain unasked, as verify.js does.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const root = path.resolve(__dirname, "..", "..");
const libsPath = process.env.VERIFIER_LIBS || path.join(root, "node_modules", ".chophien", "verifier", "libs.js");
vm.runInThisContext(fs.readFileSync(libsPath, "utf8"), { filename: libsPath });
for (const name of ["verify-certificates.js", "verify-core.js"]) {
  const file = path.join(root, "static", "traceability", name);
  vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });
}

(async () => {
  const input = JSON.parse(fs.readFileSync(0, "utf8"));
  const verdicts = [];
  for (const bundle of input.bundles) {
    const started = performance.now();
    let facts;
    try {
      facts = await globalThis.ChoPhienVerify.chainFacts(bundle, input.rpc, globalThis.ChoPhienLibs);
    } catch (error) {
      facts = { anchoredAt: () => null, isInspector: () => null, headsLogs: () => null, wrongChain: [] };
    }
    if (input.now !== undefined) facts.now = input.now;
    const verdict = globalThis.ChoPhienVerify.verifyBundle(bundle, facts, globalThis.ChoPhienLibs);
    verdict.ms = performance.now() - started;
    verdicts.push(verdict);
  }
  process.stdout.write(JSON.stringify(verdicts));
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(2);
});
