"""The lot page's "Tự kiểm chứng" (``templates/traceability/partials/self_check.html``)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

register = template.Library()


@register.simple_tag
def chain_public_rpc_url() -> str:
    """The public JSON-RPC node the buyer's browser asks (``CHAIN_PUBLIC_RPC_URL``), or ``""``."""
    return getattr(settings, "CHAIN_PUBLIC_RPC_URL", "") or ""


@register.simple_tag
def self_check_words() -> dict:
    """The words verify.js shows, translated: its states, verdicts and the verifier's problems
    (the English texts of ``traceability.proofs`` and ``completeness``, which verify-core.js
    also uses)."""
    return {
        "running": _("Checking…"),
        "noBundle": _("The proof of this lot could not be downloaded. Try again."),
        "noNode": _("The blockchain node did not answer, so the chain could not be checked."),
        "wrongChain": _("The node is on another blockchain than the one this proof names."),
        "anchored": _("%(n)s of %(total)s events anchored."),
        "signed": _("%(n)s signatures checked."),
        "notAccredited": _("A signer is not an accredited inspector."),
        "withheld": _("%(n)s values withheld at the person's request."),
        "marks": {"ok": "✓", "fail": "✗", "none": "–", "unknown": "?", "running": "…"},
        "completeness": {
            "complete": _("The history holds every event up to the last one anchored."),
            "not_provable": _(
                "Completeness cannot be proved for this lot (it was anchored before heads were"
                " recorded, or not yet)."
            ),
            "unchecked": _("The chain could not be asked whether events are missing."),
            "incomplete": "",
        },
        "certificates": {
            "ocop": _("OCOP %(n)s stars"),
            "gi": _("Geographical indication"),
            "states": {
                "valid": _("valid until %(date)s"),
                "expired": _("expired on %(date)s"),
                "not_yet_valid": _("valid from %(date)s"),
                "revoked": _("withdrawn on %(date)s"),
                "unaccredited": _("signed by a key that is not accredited"),
                "unchecked": _("accreditation could not be checked"),
            },
        },
        "status": {
            "verified": _("Verified by your own browser: every check holds."),
            "waiting": _("Nothing is wrong, but some events are not anchored yet."),
            "unchecked": _("Nothing is wrong in the data, but not everything could be checked."),
            "tampered": _("NOT VERIFIED: this proof does not hold."),
        },
        "problems": {text: _(text) for text in PROBLEMS},
    }


PROBLEMS = (
    gettext_noop("not a version 1 or 2 proof bundle"),
    gettext_noop("the bundle has no lot or no event list"),
    gettext_noop("the lot has no gtin or lot number"),
    gettext_noop("the lot's key is not the key of its GTIN and lot number"),
    gettext_noop("no event object"),
    gettext_noop("the event breaks the schema"),
    gettext_noop("the event does not hash to its digest (edited after the fact)"),
    gettext_noop("the hash chain is broken (an event is missing or was changed)"),
    gettext_noop("the event is about another lot"),
    gettext_noop("the anchor is malformed"),
    gettext_noop("the Merkle proof does not lead to the anchored root"),
    gettext_noop("the chain has no record of this root"),
    gettext_noop("the signature is not an EIP-712 signature"),
    gettext_noop("the signature is malformed"),
    gettext_noop("the signature does not match the signer"),
    gettext_noop("a disclosure is malformed"),
    gettext_noop("a disclosure names nothing in the event"),
    gettext_noop("a disclosure names a value that is not committed"),
    gettext_noop("a disclosed value does not match its commitment (changed after the fact)"),
    gettext_noop("this history stops before its last anchored event"),
    gettext_noop("the head does not match the history"),
    gettext_noop("the head is malformed"),
    gettext_noop("the chain has no record of this head"),
    gettext_noop("the head's proof does not lead to the anchored heads root"),
    gettext_noop("the batch's lot filter leaves this lot out"),
    gettext_noop("the attestations are not a list"),
    gettext_noop("a certificate is malformed"),
    gettext_noop("a certificate is about another product"),
    gettext_noop("a certificate's signature does not match its signer"),
)
