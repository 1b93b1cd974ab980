"""The standalone verifier checks a lot's certificates against anvil (check 9): it asks the
registry each certificate names whether its signer is accredited, says each certificate's state
in words, and fails a bundle whose certificate was changed."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.traceability.test_verify import PASSPHRASE, bundle_of, run_verifier, signed_lot
from traceability import services
from traceability.models import InspectorKey

pytestmark = [pytest.mark.chain, pytest.mark.django_db]
__all__ = ["signed_lot"]  # the fixture, used by name


def test_the_verifier_reports_certificates_and_fails_a_changed_one(
    client, signed_lot, anvil, tmp_path
):
    inspector = InspectorKey.objects.get().user
    now = timezone.now()
    services.certificate_issue(
        product=signed_lot.product,
        kind="ocop",
        reference="OCOP-HG-2025-007",
        level=4,
        valid_from=now - timedelta(days=10),
        issuer=inspector,
        passphrase=PASSPHRASE,
    )
    services.certificate_issue(
        product=signed_lot.product,
        kind="gi",
        reference="GI-00045",
        level=0,
        valid_from=now - timedelta(days=900),
        valid_until=now - timedelta(days=1),
        issuer=inspector,
        passphrase=PASSPHRASE,
    )
    bundle = bundle_of(client, signed_lot)
    good = run_verifier(bundle, anvil.url, tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "[OK  ] OCOP 4 stars OCOP-HG-2025-007: valid until" in good.stdout
    assert "[--  ] geographical indication GI-00045: expired on" in good.stdout

    changed = copy.deepcopy(bundle)
    [ocop] = [a for a in changed["attestations"] if a["message"]["kind"] == "ocop"]
    ocop["message"]["level"] = 5
    bad = run_verifier(changed, anvil.url, tmp_path)
    assert bad.returncode == 1
    assert "a certificate's signature does not match its signer" in bad.stdout
    assert "Result: FAILED" in bad.stdout


def test_the_verifier_asks_the_chain_about_a_certificates_signer(
    client, signed_lot, anvil, tmp_path
):
    key = InspectorKey.objects.get()
    services.certificate_issue(
        product=signed_lot.product,
        kind="ocop",
        reference="OCOP-HG-2025-008",
        level=3,
        valid_from=timezone.now() - timedelta(days=1),
        issuer=key.user,
        passphrase=PASSPHRASE,
    )
    services.inspector_accredit(key=key, allowed=False, timeout=30)
    result = run_verifier(bundle_of(client, signed_lot), anvil.url, tmp_path)
    assert "OCOP 3 stars OCOP-HG-2025-008: signed by a key that is not accredited" in result.stdout
