/* "Tự kiểm chứng": the lot page's button that verifies the lot in the buyer's own browser.
 *
 * It downloads the lot's proof bundle, asks the public JSON-RPC node named on the page
 * (CHAIN_PUBLIC_RPC_URL, never our server) what the chain says, and runs every check of
 * PROOF_FORMAT.md with verify-core.js and the npm libraries in window.ChoPhienLibs. Our server's
 * own verdict is not used. Words come translated from the page (#self-check-words).
 */
(function () {
  "use strict";

  const CHECKS = ["digest", "chain", "lot", "disclosures", "merkle", "anchor", "signature", "completeness", "certificates"];

  function words() {
    const node = document.getElementById("self-check-words");
    return node ? JSON.parse(node.textContent) : {};
  }

  function say(text, w) {
    return (w.problems && w.problems[text]) || text;
  }

  /** A UTC day as the page's language writes it: 26/11/2029 in Vietnamese, else 2029-11-26. */
  function day(seconds) {
    const iso = new Date(seconds * 1000).toISOString().slice(0, 10);
    if (!(document.documentElement.lang || "").startsWith("vi")) return iso;
    const [y, m, d] = iso.split("-");
    return `${d}/${m}/${y}`;
  }

  /** One certificate in words: "OCOP 4 stars OCOP-BG-2025-014: valid until 2028-01-01". */
  function certificateWords(c, w) {
    const t = w.certificates;
    if (c.state === "invalid") return say(c.problem, w);
    const what = c.kind === "ocop" ? t.ocop.replace("%(n)s", c.level) : t.gi;
    const when = {
      revoked: Number.isNaN(Date.parse(c.revokedAt)) ? c.revokedAt : day(Date.parse(c.revokedAt) / 1000),
      not_yet_valid: day(c.validFrom),
      expired: day(c.validUntil),
      valid: day(c.validUntil),
    }[c.state];
    return `${what} ${c.reference}: ${(t.states[c.state] || c.state).replace("%(date)s", when || "")}.`;
  }

  function mark(list, check, state, detail, w) {
    const item = list.querySelector(`[data-check="${check}"]`);
    if (!item) return;
    item.dataset.state = state;
    item.querySelector(".self-check-mark").textContent = w.marks[state] || "";
    const extra = item.querySelector(".self-check-detail");
    extra.textContent = detail || "";
  }

  function checkStates(verdict, facts, w) {
    const states = {};
    const details = {};
    const failed = new Set(Object.keys(verdict.checks));
    verdict.events.forEach((e) => Object.keys(e.checks).forEach((c) => failed.add(c)));
    const anchored = verdict.events.filter((e) => e.anchoredAt !== null).length;
    const signed = verdict.events.filter((e) => e.signer !== null);
    const withheld = verdict.events.reduce((n, e) => n + e.withheld.length, 0);
    for (const check of CHECKS) states[check] = failed.has(check) ? "fail" : "ok";
    if (!failed.has("anchor")) {
      if (verdict.events.some((e) => e.anchorUnchecked)) states.anchor = "unknown";
      else if (anchored < verdict.events.length) states.anchor = anchored ? "ok" : "none";
      details.anchor = w.anchored.replace("%(n)s", anchored).replace("%(total)s", verdict.events.length);
    }
    if (!failed.has("merkle") && anchored === 0 && !verdict.events.some((e) => e.anchorUnchecked)) states.merkle = "none";
    if (!failed.has("signature")) {
      if (!signed.length) states.signature = "none";
      else if (signed.some((e) => e.signerAccredited === false)) {
        states.signature = "fail";
        details.signature = w.notAccredited;
      } else if (signed.some((e) => e.signerAccredited !== true)) states.signature = "unknown";
      else details.signature = w.signed.replace("%(n)s", signed.length);
    }
    if (!failed.has("disclosures") && withheld) details.disclosures = w.withheld.replace("%(n)s", withheld);
    if (!failed.has("completeness")) {
      states.completeness = { complete: "ok", not_provable: "none", unchecked: "unknown" }[verdict.completeness] || "unknown";
      details.completeness = w.completeness[verdict.completeness] || "";
    }
    if (!failed.has("certificates")) {
      const certificates = verdict.certificates || [];
      if (!certificates.length) states.certificates = "none";
      else if (certificates.some((c) => c.state === "unchecked")) states.certificates = "unknown";
      details.certificates = certificates.map((c) => certificateWords(c, w)).join(" ");
    }
    if (facts && facts.wrongChain.length) {
      states.anchor = "fail";
      details.anchor = w.wrongChain;
    }
    for (const check of CHECKS) {
      if (states[check] === "fail" && !details[check]) {
        // Only this check's reasons, each event's named by its number in the history.
        const texts = new Set((verdict.reasons[check] || []).map((p) => say(p, w)));
        verdict.events.forEach((e) => (e.reasons[check] || []).forEach((p) => texts.add(`#${e.index + 1}: ${say(p, w)}`)));
        details[check] = [...texts].join("; ");
      }
    }
    return { states, details };
  }

  async function run(section) {
    const w = words();
    const button = section.querySelector(".self-check-run");
    const list = section.querySelector(".self-check-list");
    const result = section.querySelector(".self-check-result");
    const started = performance.now();
    button.disabled = true;
    list.hidden = false;
    section.dataset.state = "running";
    result.textContent = w.running;
    CHECKS.forEach((check) => mark(list, check, "running", "", w));
    let verdict = null;
    let facts = null;
    try {
      const response = await fetch(section.dataset.bundleUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(w.noBundle);
      const bundle = await response.json();
      try {
        facts = await window.ChoPhienVerify.chainFacts(bundle, section.dataset.rpcUrl, window.ChoPhienLibs);
      } catch (error) {
        facts = null;
      }
      const offline = { anchoredAt: () => null, isInspector: () => null, headsLogs: () => null, wrongChain: [] };
      verdict = window.ChoPhienVerify.verifyBundle(bundle, facts || offline, window.ChoPhienLibs);
      if (facts && facts.wrongChain.length) verdict.status = "tampered";
      // The time to verify: the download, the chain's answers and every check (the ticking
      // below is for the buyer's eyes and is not counted).
      verdict.ms = Math.round(performance.now() - started);
    } catch (error) {
      section.dataset.state = "error";
      result.textContent = w.noBundle;
      CHECKS.forEach((check) => mark(list, check, "unknown", "", w));
      button.disabled = false;
      return;
    }
    const { states, details } = checkStates(verdict, facts, w);
    // Tick the checks one by one, so a buyer sees each of them pass (or fail).
    for (const check of CHECKS) {
      mark(list, check, states[check], details[check], w);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    const status = verdict.status === "verified" && !verdict.ok ? "unchecked" : verdict.status;
    section.dataset.state = status;
    let text = w.status[status] || status;
    if (!facts) text = `${text} ${w.noNode}`;
    if (status === "tampered") {
      const texts = new Set(verdict.problems.map((p) => say(p, w)));
      verdict.events.forEach((e) => e.problems.forEach((p) => texts.add(`#${e.index + 1}: ${say(p, w)}`)));
      text = `${text} ${[...texts].join("; ")}`;
    }
    result.textContent = text;
    window.choPhienSelfCheck = verdict;
    section.dataset.ms = String(verdict.ms); // last: tests and bench/verify_browser.py wait for it
    button.disabled = false;
  }

  function start() {
    const section = document.querySelector(".self-check");
    if (!section || !window.ChoPhienVerify || !window.ChoPhienLibs) return;
    const button = section.querySelector(".self-check-run");
    button.hidden = false;
    button.addEventListener("click", () => run(section));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
