"""In headless Chromium at 360 px: a buyer presses "Tự kiểm chứng" on the page of a lot anchored
through the services on anvil, the page's public node (CHAIN_PUBLIC_RPC_URL) being anvil
itself. Each check ticks in turn and the lot is verified; a tampered and a truncated bundle
(served through ``page.route`` on the ``?format=json`` URL) fail in words, and so does a forged
certificate, while a valid and an expired one are said in words (check 9). Every verdict the
browser reaches (``window.choPhienSelfCheck``) is the Python verifier's on the same bundle."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import OVERFLOW_SCRIPT, PHONE
from tests.conftest import require
from tests.traceability.verify_browser_cases import (
    anchored_lot,
    certified,
    comparable,
    python_verdict,
    variants,
)

pytestmark = [pytest.mark.e2e, pytest.mark.chain, pytest.mark.django_db(transaction=True)]

AXE = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHECKS = [
    "digest",
    "chain",
    "lot",
    "disclosures",
    "merkle",
    "anchor",
    "signature",
    "completeness",
    "certificates",
]

# Before the page's scripts: record each check's state as verify.js sets it, in order.
TICKS = """
window.__ticks = [];
new MutationObserver((changes) => {
  for (const change of changes) {
    const li = change.target;
    if (li.dataset && li.dataset.check && !["idle", "running"].includes(li.dataset.state)) {
      window.__ticks.push(li.dataset.check + ":" + li.dataset.state);
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-state"]});
"""


def self_check(page, url: str, bundle: dict | None = None) -> dict:
    """Open the lot page (its bundle replaced by ``bundle``), press the button, wait for the
    verdict; return it as the page left it in ``window.choPhienSelfCheck``."""
    page.unroute_all()
    if bundle is not None:
        body = json.dumps(bundle)
        page.route(
            lambda u: "format=json" in u,
            lambda route: route.fulfill(status=200, content_type="application/json", body=body),
        )
    page.goto(url)
    page.get_by_role("button", name="Tự kiểm chứng").click()
    expect(page.locator(".self-check")).to_have_attribute("data-ms", re.compile(r"^\d+$"))
    return page.evaluate("window.choPhienSelfCheck")


def states(page) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('.self-check-list li')]"
        ".map((li) => [li.dataset.check, li.dataset.state]))"
    )


def no_sideways_scroll(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page scrolls sideways ({width}px)"
    assert page.evaluate(OVERFLOW_SCRIPT)["wide"] == [], name


def axe_on_self_check(page, name: str) -> list[str]:
    """Serious and critical axe violations (WCAG 2.1 AA, contrast included) in the section."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run('.self-check', {resultTypes: ['violations'], runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{name}: {v['id']} {v['help']}: " + "; ".join(" ".join(n["target"]) for n in v["nodes"])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_buyer_verifies_the_lot_in_the_browser_and_sees_lies_fail(
    django_db_setup, live_server, request, make_lot, anvil_chain, anvil, settings, django_user_model
):
    require(AXE.exists(), f"needs axe-core ({AXE}; npm ci)")
    settings.CHAIN_PUBLIC_RPC_URL = anvil.url
    lot = anchored_lot(make_lot, django_user_model)
    certified(lot, now=timezone.now())  # an OCOP rating in force, an indication expired
    path = f"/01/{lot.gtin14}/10/{lot.code}"
    good = Client().get(path + "?format=json").json()
    assert len(good["events"]) == 4 and good["head"]["count"] == 4
    cases = {k: v for k, v in variants(good).items() if k != "forged_disclosure"}
    forged = copy.deepcopy(good)
    forged["attestations"][0]["message"]["reference"] += "-X"
    cases["forged_certificate"] = forged
    expected = {name: python_verdict(bundle, anvil.url) for name, bundle in cases.items()}
    assert expected["good"]["status"] == "verified" and expected["good"]["ok"]

    chromium = request.getfixturevalue("browser")
    shoot = request.getfixturevalue("screenshot")
    context = chromium.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.add_init_script(TICKS)
    page = context.new_page()
    page.set_default_timeout(30_000)
    problems: list[str] = []

    # The lot as the site serves it: every check ticks, one after the other, and holds.
    verdict = self_check(page, live_server.url + path)
    assert comparable(verdict) == expected["good"]
    assert page.evaluate("window.__ticks") == [f"{check}:ok" for check in CHECKS]
    section = page.locator(".self-check")
    expect(section).to_have_attribute("data-state", "verified")
    expect(page.locator(".self-check-result")).to_have_text(
        "Trình duyệt của bạn đã tự kiểm chứng: mọi bước kiểm tra đều đạt."
    )
    expect(page.locator('[data-check="anchor"] .self-check-detail')).to_contain_text("4")
    expect(page.locator('[data-check="signature"] .self-check-detail')).to_contain_text("1")
    certificates = page.locator('[data-check="certificates"] .self-check-detail')
    expect(certificates).to_contain_text("OCOP 4 sao OCOP-HG-2025-007: còn hiệu lực đến")
    expect(certificates).to_contain_text(
        re.compile(r"GI-00045: đã hết hiệu lực từ \d\d/\d\d/20\d\d\.")
    )
    no_sideways_scroll(page, "verified")
    problems += axe_on_self_check(page, "verified")
    shoot(page, "trace-self-check-verified-360")

    # An event edited after the fact: the digest check fails, in Vietnamese words.
    verdict = self_check(page, live_server.url + path, cases["tampered"])
    assert comparable(verdict) == expected["tampered"]
    assert verdict["status"] == "tampered"
    expect(section).to_have_attribute("data-state", "tampered")
    assert states(page)["digest"] == "fail" and states(page)["merkle"] == "fail"
    assert verdict["events"][1]["checks"] == {"digest": "fail", "merkle": "fail"}
    assert verdict["events"][2]["checks"] == {"chain": "fail"}  # it names the original
    expect(page.locator('[data-check="digest"] .self-check-detail')).to_contain_text(
        "sự kiện không khớp mã băm (đã bị sửa sau khi ghi)"
    )
    expect(page.locator(".self-check-result")).to_contain_text("KHÔNG XÁC MINH ĐƯỢC")
    expect(page.locator(".self-check-result")).to_contain_text("#2:")
    no_sideways_scroll(page, "tampered")
    problems += axe_on_self_check(page, "tampered")
    shoot(page, "trace-self-check-tampered-360")

    # The last event dropped, with its head kept or removed: "stops before" in words.
    for name in ("truncated", "truncated_without_head"):
        verdict = self_check(page, live_server.url + path, cases[name])
        assert comparable(verdict) == expected[name], name
        assert verdict["status"] == "tampered"
        found = states(page)
        assert found["completeness"] == "fail", (name, found)
        assert all(found[c] == "ok" for c in ("digest", "chain", "merkle", "anchor")), found
        expect(page.locator('[data-check="completeness"] .self-check-detail')).to_contain_text(
            "lịch sử này dừng trước sự kiện cuối cùng đã ghi lên chuỗi"
        )
        expect(page.locator(".self-check-result")).to_contain_text("KHÔNG XÁC MINH ĐƯỢC")
        no_sideways_scroll(page, name)
    shoot(page, "trace-self-check-truncated-360")

    # Names erased at the person's request: still verified, the withheld values counted.
    verdict = self_check(page, live_server.url + path, cases["erased"])
    assert comparable(verdict) == expected["erased"]
    expect(section).to_have_attribute("data-state", "verified")
    expect(page.locator('[data-check="disclosures"] .self-check-detail')).not_to_be_empty()

    # A certificate's number changed after it was signed: the bundle fails, in words.
    verdict = self_check(page, live_server.url + path, cases["forged_certificate"])
    assert comparable(verdict) == expected["forged_certificate"]
    expect(section).to_have_attribute("data-state", "tampered")
    assert states(page)["certificates"] == "fail"
    expect(page.locator('[data-check="certificates"] .self-check-detail')).to_have_text(
        "chữ ký của một chứng nhận không khớp với người ký"
    )
    no_sideways_scroll(page, "forged certificate")
    context.close()
    assert not problems, "\n".join(problems)
