/* Chợ Phiên proof bundles (versions 1 and 2), checked from traceability/PROOF_FORMAT.md alone.
 *
 * Pure: no page, no network. `verifyBundle(bundle, facts, libs)` takes the chain's answers as
 * `facts` (gathered by `chainFacts`, which asks a JSON-RPC node through ethers) and the public
 * libraries as `libs` (ethers, @openzeppelin/merkle-tree, canonicalize: window.ChoPhienLibs).
 * Each problem is named in words and tied to the check it fails (digest, chain, lot,
 * disclosures, merkle, anchor, signature, completeness, certificates, bundle), so the page can
 * tick each check and a test can compare the verdicts with the Python verifier's
 * (traceability.proofs). Check 9 (certificates) is verify-certificates.js, loaded first.
 */
(function (root) {
  "use strict";

  const STOPS_EARLY = "this history stops before its last anchored event";
  const HEAD_MISMATCH = "the head does not match the history";
  const COMMITMENT_KEY = "chophien:commitment";
  const HEX32 = /^0x[0-9a-f]{64}$/;
  const SALT = /^0x[0-9a-f]{32}$/;
  const REGISTRY_ABI = [
    "function anchored_at(bytes32 root) view returns (uint256)",
    "function is_inspector(address who) view returns (bool)",
    "event HeadsAnchored(bytes32 indexed root, bytes32 indexed heads_root, bytes lots)",
  ];
  const ATTESTATION = { Attestation: [{ name: "digest", type: "bytes32" }] };

  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const isInt = (v) => typeof v === "number" && Number.isSafeInteger(v);
  const same = (a, b) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();

  // ------------------------------------------------------------------ hashing

  function utf8Keccak(libs, text) {
    return libs.keccak256(libs.toUtf8Bytes(text));
  }

  function onlyIntegers(value) {
    if (typeof value === "number") return Number.isInteger(value);
    if (Array.isArray(value)) return value.every(onlyIntegers);
    if (isObject(value)) return Object.values(value).every(onlyIntegers);
    return true;
  }

  /** keccak256 of the RFC 8785 canonical JSON of `value` (numbers: integers only). */
  function jcsKeccak(libs, value) {
    if (!onlyIntegers(value)) throw new Error("numbers are integers only");
    return utf8Keccak(libs, libs.canonicalize(value));
  }

  /** The lot's URI as events name it (Python's quote(lot, safe="-._~")). */
  function lotUri(gtin, lot) {
    const quoted = encodeURIComponent(lot).replace(
      /[!'()*]/g,
      (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
    );
    return `https://id.gs1.org/01/${gtin}/10/${quoted}`;
  }

  // ------------------------------------------------------------------ heads and lot filter

  function filterContains(libs, lots, key) {
    if (!lots || lots.length === 0) return false;
    const h = libs.getBytes(libs.keccak256(libs.getBytes(key)));
    const bits = 8 * lots.length;
    for (let i = 0; i < 7; i += 1) {
      const word = ((h[4 * i] << 24) >>> 0) + (h[4 * i + 1] << 16) + (h[4 * i + 2] << 8) + h[4 * i + 3];
      const p = word % bits;
      if (!(lots[p >> 3] & (1 << (p & 7)))) return false;
    }
    return true;
  }

  const HEAD_ENCODING = ["bytes32", "bytes32", "uint256"];

  function isBytes32(value) {
    return typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value);
  }

  function merkleVerify(libs, rootHash, encoding, leaf, proof) {
    try {
      if (!isBytes32(rootHash) || !Array.isArray(proof) || !proof.every(isBytes32)) return false;
      return libs.StandardMerkleTree.verify(rootHash.toLowerCase(), encoding, leaf, proof);
    } catch (error) {
      return false;
    }
  }

  function absenceHolds(libs, absence, key, log) {
    if (!isObject(absence) || !same(absence.headsRoot, log.headsRoot)) return false;
    const heads = absence.heads;
    if (!Array.isArray(heads) || heads.length === 0) return false;
    for (const head of heads) {
      if (!Array.isArray(head) || head.length < 3) return false;
      if (!isBytes32(head[0]) || !isBytes32(head[1]) || !isInt(head[2]) || head[2] < 1) return false;
    }
    let tree;
    try {
      tree = libs.StandardMerkleTree.of(
        heads.map((h) => [h[0], h[1], h[2]]),
        HEAD_ENCODING,
      );
    } catch (error) {
      return false;
    }
    return tree.root === log.headsRoot.toLowerCase() && heads.every((h) => !same(h[0], key));
  }

  function completenessCheck(libs, { key, digests, anchors, head, absences, logs }) {
    if (logs === null) return { completeness: "unchecked", problems: [] };
    const problems = [];
    const ordered = [...logs].sort(
      (a, b) => a.chainId - b.chainId || a.blockNumber - b.blockNumber || a.logIndex - b.logIndex,
    );
    const byRoot = new Map(ordered.map((log) => [log.root.toLowerCase(), log]));
    const after = (a, b) => a.blockNumber > b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex > b.logIndex);
    let headLog = null;
    let count = 0;
    if (head !== null) {
      if (!isInt(head.count) || head.count < 1) {
        problems.push("the head is malformed");
      } else {
        count = head.count;
        headLog =
          ordered.find(
            (log) =>
              same(log.root, head.root) &&
              same(log.headsRoot, head.headsRoot) &&
              log.chainId === head.chainId &&
              same(log.contract, head.contract),
          ) || null;
        if (headLog === null) {
          problems.push("the chain has no record of this head");
        } else if (!isBytes32(head.digest) || !isBytes32(head.headsRoot) || !("proof" in head)) {
          problems.push("the head is malformed");
        } else if (!merkleVerify(libs, head.headsRoot, HEAD_ENCODING, [key, head.digest, count], head.proof)) {
          problems.push("the head's proof does not lead to the anchored heads root");
        }
      }
      if (problems.length === 0) {
        if (count > digests.length) problems.push(STOPS_EARLY);
        else if (!same(digests[count - 1], head.digest)) problems.push(HEAD_MISMATCH);
        if (headLog !== null && !filterContains(libs, headLog.lots, key)) {
          problems.push("the batch's lot filter leaves this lot out");
        }
      }
    }
    for (const log of ordered) {
      if (!filterContains(libs, log.lots, key)) continue;
      const later = headLog === null || log.chainId !== headLog.chainId || after(log, headLog);
      if (later && !absences.some((a) => absenceHolds(libs, a, key, log))) {
        problems.push(STOPS_EARLY);
        break;
      }
    }
    anchors.forEach((anchor, index) => {
      const rootHash = isObject(anchor) ? anchor.root : null;
      const log = typeof rootHash === "string" ? byRoot.get(rootHash.toLowerCase()) : undefined;
      if (!log) return;
      if (!filterContains(libs, log.lots, key)) problems.push("the batch's lot filter leaves this lot out");
      if (index >= count) problems.push(head !== null ? HEAD_MISMATCH : STOPS_EARLY);
    });
    const unique = [...new Set(problems)];
    if (unique.length) return { completeness: "incomplete", problems: unique };
    return { completeness: head === null ? "not_provable" : "complete", problems: [] };
  }

  // ------------------------------------------------------------------ commitments

  function isCommitment(value) {
    return isObject(value) && Object.keys(value).length === 1 && typeof value[COMMITMENT_KEY] === "string" && HEX32.test(value[COMMITMENT_KEY]);
  }

  function pointerGet(document, path) {
    if (typeof path !== "string" || !path.startsWith("/")) throw new Error("not a JSON Pointer");
    let node = document;
    for (const raw of path.slice(1).split("/")) {
      const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      if (isObject(node) && Object.prototype.hasOwnProperty.call(node, token)) node = node[token];
      else if (Array.isArray(node) && /^[0-9]+$/.test(token) && Number(token) < node.length) node = node[Number(token)];
      else throw new Error("names nothing");
    }
    return node;
  }

  function commitmentPaths(value, prefix = "", found = []) {
    if (isCommitment(value)) {
      found.push(prefix);
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        commitmentPaths(child, `${prefix}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, found);
      }
    } else if (Array.isArray(value)) {
      value.forEach((child, index) => commitmentPaths(child, `${prefix}/${index}`, found));
    }
    return found;
  }

  function disclosureProblem(libs, event, disclosure) {
    if (!isObject(disclosure) || typeof disclosure.path !== "string") return "a disclosure is malformed";
    if (!("salt" in disclosure) && !("value" in disclosure)) {
      return disclosure.withheld ? null : "a disclosure is malformed";
    }
    let target;
    try {
      target = pointerGet(event, disclosure.path);
    } catch (error) {
      return "a disclosure names nothing in the event";
    }
    if (!isCommitment(target)) return "a disclosure names a value that is not committed";
    let expected;
    try {
      if (typeof disclosure.salt !== "string" || !SALT.test(disclosure.salt)) throw new Error("salt");
      expected = jcsKeccak(libs, [disclosure.salt, disclosure.value === undefined ? null : disclosure.value]);
    } catch (error) {
      return "a disclosure is malformed";
    }
    if (expected !== target[COMMITMENT_KEY]) {
      return "a disclosed value does not match its commitment (changed after the fact)";
    }
    return null;
  }

  // ------------------------------------------------------------------ domains

  function domainOf(libs, anchor) {
    const chainId = anchor.chainId;
    if (!isInt(chainId) || typeof anchor.contract !== "string" || !libs.isAddress(anchor.contract)) {
      throw new Error("bad chainId or contract");
    }
    return { chainId, contract: libs.getAddress(anchor.contract) };
  }

  const domainId = (d) => `Domain(chain_id=${d.chainId}, contract='${d.contract}')`;

  /** Every (chain, contract) the bundle's anchors and head name, sorted as Python sorts them. */
  function bundleDomains(libs, bundle) {
    const found = new Map();
    const items = Array.isArray(bundle.events) ? bundle.events : [];
    for (const anchor of [...items.map((item) => (isObject(item) ? item.anchor : null)), bundle.head]) {
      if (!isObject(anchor)) continue;
      try {
        const domain = domainOf(libs, anchor);
        found.set(domainId(domain), domain);
      } catch (error) {
        /* not a domain */
      }
    }
    return [...found.keys()].sort().map((id) => found.get(id));
  }

  // ------------------------------------------------------------------ events

  function lotClasses(event) {
    let elements = event.quantityList;
    if (!Array.isArray(elements) || elements.length === 0) elements = event.outputQuantityList;
    if (!Array.isArray(elements)) elements = [];
    return new Set(elements.filter(isObject).map((e) => e.epcClass));
  }

  function eventStatus(v) {
    if (v.problems.length) return "tampered";
    if (v.waiting) return "waiting";
    if (v.anchorUnchecked) return "unchecked";
    return "verified";
  }

  function verifyItem(libs, index, item, { previous, expectedClass, facts, signatureDomain }) {
    const claimed = isObject(item) ? item.digest : null;
    const v = {
      index,
      digest: typeof claimed === "string" ? claimed : "",
      problems: [],
      checks: {},
      reasons: {},
      anchoredAt: null,
      anchorUnchecked: false,
      waiting: false,
      signer: null,
      signerAccredited: null,
      withheld: [],
    };
    const fail = (check, text) => {
      v.problems.push(text);
      v.checks[check] = "fail";
      (v.reasons[check] = v.reasons[check] || []).push(text);
    };
    if (!isObject(item) || !isObject(item.event)) {
      fail("digest", "no event object");
      return v;
    }
    const event = item.event;

    // 1. The digest is keccak256 of the event's RFC 8785 bytes.
    let computed;
    try {
      computed = jcsKeccak(libs, event);
    } catch (error) {
      fail("digest", "the event breaks the schema");
      return v;
    }
    if (computed !== claimed) fail("digest", "the event does not hash to its digest (edited after the fact)");
    v.digest = computed;

    // 8. Disclosures open their commitments; a commitment left closed is withheld.
    let disclosures = item.disclosures || [];
    if (!Array.isArray(disclosures)) disclosures = [null];
    const opened = new Set();
    for (const disclosure of disclosures) {
      const problem = disclosureProblem(libs, event, disclosure);
      if (problem) fail("disclosures", problem);
      else if ("value" in disclosure) opened.add(disclosure.path);
    }
    v.withheld = commitmentPaths(event).filter((path) => !opened.has(path));

    // 2. The hash chain.
    if ((event.prevDigest === undefined ? null : event.prevDigest) !== previous) {
      fail("chain", "the hash chain is broken (an event is missing or was changed)");
    }

    // 3. The lot.
    if (expectedClass !== null && !lotClasses(event).has(expectedClass)) fail("lot", "the event is about another lot");

    // 4 and 5. The Merkle proof leads to a root the chain says was anchored.
    const anchor = item.anchor;
    if (anchor === null || anchor === undefined) {
      v.waiting = true;
    } else {
      checkAnchor(libs, v, anchor, computed, facts, fail);
    }

    // 6. The signature recovers to its signer, an accredited inspector.
    const signature = item.signature;
    if (signature !== null && signature !== undefined) {
      checkSignature(libs, v, signature, computed, signatureDomain, facts, fail);
    }
    return v;
  }

  function checkAnchor(libs, v, anchor, digest, facts, fail) {
    let domain;
    try {
      if (!isObject(anchor) || !("root" in anchor) || !("proof" in anchor)) throw new Error("malformed");
      domain = domainOf(libs, anchor);
      if (!Array.isArray(anchor.proof)) throw new Error("proof is not a list");
    } catch (error) {
      fail("merkle", "the anchor is malformed");
      return;
    }
    if (!merkleVerify(libs, anchor.root, ["bytes32"], [digest], anchor.proof)) {
      fail("merkle", "the Merkle proof does not lead to the anchored root");
      return;
    }
    const timestamp = facts.anchoredAt(domain, anchor.root);
    if (timestamp === null || timestamp === undefined) v.anchorUnchecked = true;
    else if (timestamp === 0) fail("anchor", "the chain has no record of this root");
    else v.anchoredAt = timestamp;
  }

  function checkSignature(libs, v, signature, digest, domain, facts, fail) {
    if (!isObject(signature) || signature.scheme !== "EIP-712") {
      fail("signature", "the signature is not an EIP-712 signature");
      return;
    }
    const { signer, value } = signature;
    if (!(typeof signer === "string" && libs.isAddress(signer) && typeof value === "string")) {
      fail("signature", "the signature is malformed");
      return;
    }
    v.signer = libs.getAddress(signer);
    if (!domain) {
      v.waiting = true;
      return;
    }
    let recovered = null;
    try {
      recovered = libs.verifyTypedData(
        { name: "Cho Phien Traceability", version: "1", chainId: domain.chainId, verifyingContract: domain.contract },
        ATTESTATION,
        { digest },
        value,
      );
    } catch (error) {
      recovered = null;
    }
    if (recovered !== v.signer) {
      fail("signature", "the signature does not match the signer");
      return;
    }
    const accredited = facts.isInspector(domain, v.signer);
    v.signerAccredited = accredited === undefined ? null : accredited;
  }

  // ------------------------------------------------------------------ the bundle

  /** Check everything a bundle claims; the chain's answers come from `facts`. */
  function verifyBundle(bundle, facts, libs) {
    const verdict = { events: [], problems: [], checks: {}, reasons: {}, completeness: null, certificates: [], status: "tampered", ok: false };
    const fail = (check, text) => {
      verdict.problems.push(text);
      verdict.checks[check] = "fail";
      (verdict.reasons[check] = verdict.reasons[check] || []).push(text);
    };
    const version = isObject(bundle) ? bundle.version : null;
    if (version !== 1 && version !== 2) {
      fail("bundle", "not a version 1 or 2 proof bundle");
      return finish(verdict);
    }
    const lot = bundle.lot;
    const items = bundle.events;
    if (!isObject(lot) || !Array.isArray(items)) {
      fail("bundle", "the bundle has no lot or no event list");
      return finish(verdict);
    }
    let expectedClass = null;
    if (lot.gtin === undefined || lot.lot === undefined || lot.gtin === null || lot.lot === null) {
      fail("lot", "the lot has no gtin or lot number");
    } else {
      expectedClass = lotUri(String(lot.gtin), String(lot.lot));
    }
    const key = expectedClass === null ? null : utf8Keccak(libs, expectedClass);
    if (version === 2 && (typeof lot.key !== "string" || lot.key.toLowerCase() !== key)) {
      fail("lot", "the lot's key is not the key of its GTIN and lot number");
    }
    const domains = bundleDomains(libs, bundle);
    const signatureDomain = domains[0] || null;
    let previous = null;
    items.forEach((item, index) => {
      const v = verifyItem(libs, index, item, { previous, expectedClass, facts, signatureDomain });
      verdict.events.push(v);
      previous = v.digest;
    });
    if (facts.headsLogs && key !== null) {
      let logs = [];
      for (const domain of domains) {
        const found = facts.headsLogs(domain);
        if (found === null || found === undefined) {
          logs = null;
          break;
        }
        logs.push(...found);
      }
      const head = isObject(bundle.head) ? bundle.head : null;
      const result = completenessCheck(libs, {
        key,
        digests: verdict.events.map((e) => e.digest),
        anchors: items.map((item) => (isObject(item) ? item.anchor : null)),
        head,
        absences: Array.isArray(bundle.absences) ? bundle.absences : [],
        logs,
      });
      verdict.completeness = result.completeness;
      result.problems.forEach((text) => fail("completeness", text));
    }
    // 9. Certificates: a malformed, misdirected or forged one fails the bundle; an expired,
    // revoked or unaccredited one is only reported in its state.
    const certificates = root.ChoPhienCertificates.checkAttestations(bundle, facts, libs);
    verdict.certificates = certificates.certificates;
    certificates.problems.forEach((text) => fail("certificates", text));
    return finish(verdict);
  }

  function finish(verdict) {
    verdict.events.forEach((e) => {
      e.status = eventStatus(e);
    });
    if (verdict.problems.length) {
      verdict.status = "tampered";
    } else {
      const statuses = new Set(verdict.events.map((e) => e.status));
      if (verdict.completeness === "unchecked") statuses.add("unchecked");
      verdict.status = ["tampered", "waiting", "unchecked"].find((s) => statuses.has(s)) || (verdict.events.length ? "verified" : "waiting");
    }
    verdict.ok = verdict.status === "verified" && verdict.events.every((e) => e.signer === null || e.signerAccredited === true);
    return verdict;
  }

  // ------------------------------------------------------------------ the chain

  /** The node's chain id (eth_chainId), or an error when it does not answer in time. */
  async function rpcChainId(rpcUrl, timeoutMs = 10000) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        signal: abort.signal,
      });
      const answer = await response.json();
      const chainId = Number(BigInt(answer.result));
      if (!Number.isSafeInteger(chainId)) throw new Error("no chain id");
      return chainId;
    } catch (error) {
      throw new Error(`the node at ${rpcUrl} did not answer`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ask `rpcUrl` everything `bundle` needs; return facts for `verifyBundle`. A registry the
   * node cannot answer for gives `null` answers (unchecked), a node on another chain `0`/false. */
  async function chainFacts(bundle, rpcUrl, libs) {
    const nodeChain = await rpcChainId(rpcUrl);
    const provider = new libs.JsonRpcProvider(rpcUrl, nodeChain, { staticNetwork: true, batchMaxCount: 1 });
    const registry = new libs.Interface(REGISTRY_ABI);
    const anchored = new Map();
    const inspectors = new Map();
    const heads = new Map();
    const wrongChain = new Set();
    const otherChainCertificates = new Set();
    const domains = bundleDomains(libs, bundle);
    const items = Array.isArray(bundle.events) ? bundle.events : [];
    for (const domain of domains) {
      const id = domainId(domain);
      if (nodeChain !== domain.chainId) {
        wrongChain.add(id);
        heads.set(id, []);
        continue;
      }
      const contract = new libs.Contract(domain.contract, registry, provider);
      try {
        for (const item of items) {
          const anchor = isObject(item) ? item.anchor : null;
          if (!isObject(anchor) || !isBytes32(anchor.root) || !same(anchor.contract, domain.contract)) continue;
          const rootKey = `${id}|${anchor.root.toLowerCase()}`;
          if (!anchored.has(rootKey)) anchored.set(rootKey, Number(await contract.anchored_at(anchor.root)));
        }
        for (const item of items) {
          const signature = isObject(item) ? item.signature : null;
          if (!isObject(signature) || typeof signature.signer !== "string" || !libs.isAddress(signature.signer)) continue;
          const who = `${id}|${signature.signer.toLowerCase()}`;
          if (!inspectors.has(who)) inspectors.set(who, Boolean(await contract.is_inspector(signature.signer)));
        }
        const topic = registry.getEvent("HeadsAnchored").topicHash;
        const logs = await provider.getLogs({ address: domain.contract, topics: [topic], fromBlock: 0, toBlock: "latest" });
        heads.set(
          id,
          logs.map((log) => {
            const parsed = registry.parseLog(log);
            return {
              chainId: domain.chainId,
              contract: domain.contract,
              root: parsed.args.root,
              headsRoot: parsed.args.heads_root,
              lots: libs.getBytes(parsed.args.lots),
              blockNumber: log.blockNumber,
              logIndex: log.index,
            };
          }),
        );
      } catch (error) {
        heads.set(id, null);
      }
    }
    for (const { domain, signer } of root.ChoPhienCertificates.certificateSigners(bundle, libs)) {
      const id = domainId(domain);
      const who = `${id}|${signer.toLowerCase()}`;
      if (inspectors.has(who) || wrongChain.has(id)) continue;
      if (nodeChain !== domain.chainId) {
        otherChainCertificates.add(id);
        continue;
      }
      try {
        const contract = new libs.Contract(domain.contract, registry, provider);
        inspectors.set(who, Boolean(await contract.is_inspector(signer)));
      } catch (error) {
        /* the registry did not answer: accreditation unchecked */
      }
    }
    provider.destroy();
    return {
      nodeChain,
      wrongChain: [...wrongChain],
      anchoredAt(domain, rootHash) {
        if (wrongChain.has(domainId(domain))) return 0;
        const found = anchored.get(`${domainId(domain)}|${rootHash.toLowerCase()}`);
        return found === undefined ? null : found;
      },
      isInspector(domain, address) {
        if (wrongChain.has(domainId(domain)) || otherChainCertificates.has(domainId(domain))) return false;
        const found = inspectors.get(`${domainId(domain)}|${address.toLowerCase()}`);
        return found === undefined ? null : found;
      },
      headsLogs(domain) {
        const found = heads.get(domainId(domain));
        return found === undefined ? null : found;
      },
    };
  }

  root.ChoPhienVerify = { verifyBundle, chainFacts, completenessCheck, filterContains, lotUri, commitmentPaths };
})(typeof window !== "undefined" ? window : globalThis);
