/* Check 9 of traceability/PROOF_FORMAT.md ("Certificates"), for the buyer's own browser.
 *
 * Pure, like verify-core.js (which calls it from `verifyBundle`): each item of the bundle's
 * `attestations` is an OCOP star rating or a geographical-indication right, signed as EIP-712
 * typed data `Certificate` by a key the registry accredits, valid from `validFrom` (included)
 * until `validUntil` (excluded). A malformed certificate, one about another product or one whose
 * signature does not recover to its signer fails the bundle; otherwise it is in one state
 * (revoked, unaccredited, unchecked, not_yet_valid, expired, valid), which does not.
 */
(function (root) {
  "use strict";

  const NAME = "Cho Phien Traceability";
  const VERSION = "1";
  const KINDS = ["ocop", "gi"];
  const OCOP_LEVELS = [3, 4, 5];
  const MAX_OCOP_SECONDS = 1096 * 24 * 60 * 60;
  const MAX_REFERENCE_LENGTH = 100;
  const UINT64_MAX = 2 ** 64 - 1;
  const FIELDS = ["gtin", "kind", "reference", "level", "validFrom", "validUntil"];
  const TYPES = {
    Certificate: [
      { name: "gtin", type: "string" },
      { name: "kind", type: "string" },
      { name: "reference", type: "string" },
      { name: "level", type: "uint8" },
      { name: "validFrom", type: "uint64" },
      { name: "validUntil", type: "uint64" },
    ],
  };
  const MALFORMED = "a certificate is malformed";
  const OTHER_PRODUCT = "a certificate is about another product";
  const BAD_SIGNATURE = "a certificate's signature does not match its signer";
  const NOT_A_LIST = "the attestations are not a list";

  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const isInt = (v) => typeof v === "number" && Number.isInteger(v);

  /** The (chain, registry) a certificate is signed in, or null when its domain is malformed. */
  function certificateDomain(libs, item) {
    const domain = isObject(item) ? item.domain : null;
    if (!isObject(domain) || domain.name !== NAME || domain.version !== VERSION) return null;
    const { chainId, verifyingContract } = domain;
    if (!isInt(chainId) || chainId < 0 || typeof verifyingContract !== "string") return null;
    if (!libs.isAddress(verifyingContract)) return null;
    return { chainId, contract: libs.getAddress(verifyingContract) };
  }

  /** What is wrong with a certificate's `message` (null if nothing), as PROOF_FORMAT's table. */
  function messageProblem(message) {
    if (!isObject(message)) return "no message";
    const keys = Object.keys(message).sort();
    if (keys.length !== FIELDS.length || ![...FIELDS].sort().every((k, i) => keys[i] === k)) {
      return "the message does not have exactly the certificate's fields";
    }
    const { gtin, kind, reference, level, validFrom, validUntil } = message;
    if (typeof gtin !== "string" || !/^[0-9]{14}$/.test(gtin)) return "the GTIN is not 14 digits";
    if (!KINDS.includes(kind)) return "the kind is neither ocop nor gi";
    const length = typeof reference === "string" ? [...reference].length : 0;
    if (length < 1 || length > MAX_REFERENCE_LENGTH) return "the certificate number is empty or too long";
    if (!isInt(level) || !isInt(validFrom) || !isInt(validUntil)) return "not an integer";
    if (kind === "ocop" && !OCOP_LEVELS.includes(level)) return "an OCOP rating has 3, 4 or 5 stars";
    if (kind === "gi" && level !== 0) return "a geographical indication has level 0";
    if (!(validFrom >= 0 && validFrom < validUntil && validUntil <= UINT64_MAX)) return "the validity window is empty";
    if (kind === "ocop" && validUntil - validFrom > MAX_OCOP_SECONDS) return "an OCOP rating is valid 36 months at most";
    return null;
  }

  function recover(libs, domain, message, signature) {
    try {
      return libs.verifyTypedData(
        { name: NAME, version: VERSION, chainId: domain.chainId, verifyingContract: domain.contract },
        TYPES,
        message,
        signature,
      );
    } catch (error) {
      return null;
    }
  }

  /** Check 9 for one item of `attestations`. */
  function checkAttestation(libs, index, item, { gtin, facts, now }) {
    const v = {
      index,
      state: "invalid",
      kind: "",
      level: 0,
      reference: "",
      validFrom: 0,
      validUntil: 0,
      signer: null,
      revokedAt: null,
      problem: null,
    };
    if (!isObject(item) || item.scheme !== "EIP-712") {
      v.problem = MALFORMED;
      return v;
    }
    const { message, signer, signature } = item;
    const revokedAt = item.revokedAt === undefined ? null : item.revokedAt;
    const domain = certificateDomain(libs, item);
    if (
      domain === null ||
      messageProblem(message) !== null ||
      !(typeof signer === "string" && libs.isAddress(signer)) ||
      typeof signature !== "string" ||
      !(revokedAt === null || typeof revokedAt === "string")
    ) {
      v.problem = MALFORMED;
      return v;
    }
    Object.assign(v, {
      kind: message.kind,
      level: message.level,
      reference: message.reference,
      validFrom: message.validFrom,
      validUntil: message.validUntil,
      signer: libs.getAddress(signer),
      revokedAt,
    });
    if (gtin !== null && message.gtin !== gtin) {
      v.problem = OTHER_PRODUCT;
      return v;
    }
    if (recover(libs, domain, message, signature) !== v.signer) {
      v.problem = BAD_SIGNATURE;
      return v;
    }
    if (revokedAt !== null) {
      v.state = "revoked";
      return v;
    }
    const accredited = facts.isInspector(domain, v.signer);
    if (accredited === false) v.state = "unaccredited";
    else if (accredited === null || accredited === undefined) v.state = "unchecked";
    else if (now < v.validFrom) v.state = "not_yet_valid";
    else if (now >= v.validUntil) v.state = "expired";
    else v.state = "valid";
    return v;
  }

  /** Check 9 for the whole bundle: `{certificates, problems}` (problems fail the bundle). */
  function checkAttestations(bundle, facts, libs) {
    const items = isObject(bundle) ? bundle.attestations : undefined;
    if (items === undefined || items === null) return { certificates: [], problems: [] };
    if (!Array.isArray(items)) return { certificates: [], problems: [NOT_A_LIST] };
    const lot = bundle.lot;
    const gtin = isObject(lot) && lot.gtin !== undefined && lot.gtin !== null ? String(lot.gtin) : null;
    const now = isInt(facts.now) ? facts.now : Math.floor(Date.now() / 1000);
    const certificates = items.map((item, index) => checkAttestation(libs, index, item, { gtin, facts, now }));
    const problems = [...new Set(certificates.map((c) => c.problem).filter(Boolean))];
    return { certificates, problems };
  }

  /** The signers each well-formed certificate asks its registry about: [{domain, signer}]. */
  function certificateSigners(bundle, libs) {
    const items = isObject(bundle) && Array.isArray(bundle.attestations) ? bundle.attestations : [];
    const found = [];
    for (const item of items) {
      const domain = certificateDomain(libs, item);
      if (domain !== null && typeof item.signer === "string" && libs.isAddress(item.signer)) {
        found.push({ domain, signer: item.signer });
      }
    }
    return found;
  }

  root.ChoPhienCertificates = { checkAttestations, certificateSigners, messageProblem };
})(typeof window !== "undefined" ? window : globalThis);
