// Runs check 9 of static/traceability/verify-certificates.js under Node with the bundled npm
// libraries: reads [{"bundle", "accredited": true|false|null, "now": seconds}, ...] on stdin and
// prints {certificates, problems} for each (the registry's answer about signers as given).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const root = path.resolve(__dirname, "..", "..");
const libsPath = process.env.VERIFIER_LIBS || path.join(root, "node_modules", ".chophien", "verifier", "libs.js");
vm.runInThisContext(fs.readFileSync(libsPath, "utf8"), { filename: libsPath });
const file = path.join(root, "static", "traceability", "verify-certificates.js");
vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });

const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const out = cases.map(({ bundle, accredited, now }) =>
  globalThis.ChoPhienCertificates.checkAttestations(
    bundle,
    { now, isInspector: () => accredited },
    globalThis.ChoPhienLibs,
  ),
);
process.stdout.write(JSON.stringify(out));
