"""In-browser verification ("Tự kiểm chứng") of a 5-event lot, timed in headless Chromium.

    python bench/verify_browser.py [--runs 9]

Builds, in a scratch database (``$DATABASE_URL``'s name + ``_bench_verify``, dropped and created
afresh) and on a local anvil node, a lot of five events (harvest, packing, a signed inspection,
shipping, receiving) anchored in two batches through the services, as the site does. Then, in
Debian's Chromium at 360 px with the lot page served by a local server whose public node
(CHAIN_PUBLIC_RPC_URL) is anvil, presses "Tự kiểm chứng" ``--runs`` times on a fresh page
and prints the page's own ``data-ms`` (download of the bundle, every question to the node, every
check; not the ticking animation): median, minimum and maximum, the first (cold) run apart. It
also times ``verifyBundle`` alone in the page (the checks with the chain's answers in hand).

Needs PostgreSQL (``$DATABASE_URL``), anvil (``$ANVIL``, PATH or node_modules/.bin) and Chromium.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PHONE = {"width": 360, "height": 780}

# The checks alone, in the page: the chain's answers fetched once, then verifyBundle timed.
CHECKS_ONLY = """async ({url, rpc, rounds}) => {
  const bundle = await (await fetch(url, {headers: {Accept: "application/json"}})).json();
  const libs = window.ChoPhienLibs;
  const facts = await window.ChoPhienVerify.chainFacts(bundle, rpc, libs);
  const times = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    const verdict = window.ChoPhienVerify.verifyBundle(bundle, facts, libs);
    times.push(performance.now() - started);
    if (verdict.status !== "verified") throw new Error(verdict.status);
  }
  return times;
}"""


def scratch_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chophien")
    return os.environ.get("BENCH_VERIFY_DATABASE_URL", base + "_bench_verify")


def five_event_lot(anvil):
    """A lot of five events anchored on ``anvil`` in two batches (the last three events in the
    second), with one inspection signed by an accredited key."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from tests import factories
    from traceability import services, tasks
    from traceability.chain.crypto import account_create

    account = account_create()
    anvil.rpc("anvil_setBalance", account.address, hex(10 * 10**18))
    settings.CHAIN_RPC_URL = anvil.url
    settings.CHAIN_PUBLIC_RPC_URL = anvil.url
    settings.CHAIN_RPC_TIMEOUT = 5
    settings.CHAIN_ANCHOR_KEY = account.key.hex()
    settings.CHAIN_CONFIRMATIONS = 1
    settings.TRACE_POLL_SECONDS = 0.05
    settings.TRACE_KEYSTORE_SCRYPT_N = 2**10
    services.registry_deploy(timeout=120)

    passphrase = "mật khẩu ký của tôi"  # noqa: S105 - a scratch key of the benchmark
    inspector = get_user_model().objects.create_user("tt", "tt@example.vn", "pw-123456")
    inspector.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    key = services.inspector_key_create(user=inspector, passphrase=passphrase)
    services.inspector_accredit(key=key, timeout=30)
    maker = factories.producer()
    product = factories.product("Mật ong bạc hà Đồng Văn 500ml", maker=maker)
    producer = factories.producer_user(maker, email="sinh@example.vn")
    lot = services.lot_create(
        product=product,
        code="MO-2512-05",
        production_date=date(2025, 12, 1),
        quantity=Decimal("120.5"),
        unit="KGM",
        actor=producer,
    )
    services.event_record(lot=lot, biz_step="packing", actor=producer, details="Đóng hũ")
    tasks.anchor_pending.delay()
    services.inspection_record(
        lot=lot, inspector=inspector, result="pass", notes="Đạt", passphrase=passphrase
    )
    for step, details in (("shipping", "Gửi đi Hà Nội"), ("receiving", "Đã nhận")):
        services.event_record(lot=lot, biz_step=step, actor=producer, details=details)
    tasks.anchor_pending.delay()
    return lot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs after a cold one")
    args = parser.parse_args()

    from bench.scratch import scratch_database
    from tests.browser import CHROMIUM_ARGS, chromium_path
    from tests.traceability.anvil import Anvil, anvil_binary

    url = scratch_url()
    scratch_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from playwright.sync_api import sync_playwright
    from pytest_django.live_server_helper import LiveServer

    call_command("migrate", interactive=False, verbosity=0)
    binary, chromium = anvil_binary(), chromium_path()
    if binary is None or chromium is None:
        sys.exit("needs anvil ($ANVIL or npm ci) and Chromium (apt-get install chromium)")
    anvil = Anvil(binary)
    server = LiveServer("localhost:0")
    try:
        lot = five_event_lot(anvil)
        path = f"/01/{lot.gtin14}/10/{lot.code}"
        bundle = Client().get(path + "?format=json").json()
        assert len(bundle["events"]) == 5, len(bundle["events"])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(viewport=PHONE, locale="vi-VN")
            timings, states = [], set()
            for _ in range(args.runs + 1):
                page = context.new_page()
                page.goto(server.url + path)
                page.get_by_role("button", name="Tự kiểm chứng").click()
                page.wait_for_selector(".self-check[data-ms]", timeout=60_000)
                states.add(page.get_attribute(".self-check", "data-state"))
                timings.append(int(page.get_attribute(".self-check", "data-ms")))
                page.close()
            page = context.new_page()
            page.goto(server.url + path)
            checks = page.evaluate(
                CHECKS_ONLY,
                {"url": server.url + path + "?format=json", "rpc": anvil.url, "rounds": 50},
            )
            browser.close()
    finally:
        server.stop()
        anvil.stop()
        from django.db import connections

        connections.close_all()
    cold, warm = timings[0], timings[1:]
    print(f"In-browser verification (Chromium {PHONE['width']} px) of a 5-event bundle, 2 batches,")
    print(f"1 signature, completeness from {anvil.url.split('//')[1]} (anvil); verdicts: {states}")
    print(f"  whole check (download + JSON-RPC + checks), cold run: {cold} ms")
    print(
        f"  whole check, {len(warm)} runs: median {statistics.median(warm):.0f} ms"
        f" (min {min(warm)}, max {max(warm)})"
    )
    print(
        f"  checks alone (verifyBundle, chain answers in hand), {len(checks)} runs: median"
        f" {statistics.median(checks):.1f} ms (min {min(checks):.1f}, max {max(checks):.1f})"
    )
    if states != {"verified"}:
        sys.exit(f"expected every run verified, got {states}")


if __name__ == "__main__":
    main()
