"""Fixtures for traceability tests: no database; contracts run on an in-process EVM.

The EVM is web3's ``EthereumTesterProvider`` (eth-tester with py-evm). The tests also run
without pytest-django (``-p no:django``), so make the repository root importable the way
pytest-django's ``manage.py`` lookup would.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import EthereumTesterProvider, Web3

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

if TYPE_CHECKING:
    from traceability.chain import RegistryAdmin


HEADS_ROOT = bytes.fromhex("11" * 32)
HEADS = {"heads_root": HEADS_ROOT, "lots": bytes(8)}
"""A heads root and an empty lot filter, for contract tests about anchoring itself."""


def new_tester_web3() -> Web3:
    return Web3(EthereumTesterProvider())


def funded_account(web3: Web3) -> LocalAccount:
    """A fresh local account holding 10 ether from one of the tester's unlocked accounts."""
    account: LocalAccount = Account.create()
    tx_hash = web3.eth.send_transaction(
        {"from": web3.eth.accounts[0], "to": account.address, "value": 10 * 10**18}
    )
    web3.eth.wait_for_transaction_receipt(tx_hash)
    return account


@pytest.fixture
def web3() -> Web3:
    return new_tester_web3()


@pytest.fixture
def make_account(web3: Web3) -> Callable[[], LocalAccount]:
    return lambda: funded_account(web3)


@pytest.fixture
def owner(make_account: Callable[[], LocalAccount]) -> LocalAccount:
    return make_account()


@pytest.fixture
def registry(web3: Web3, owner: LocalAccount) -> RegistryAdmin:
    """A freshly deployed registry; the client signs as its owner."""
    from traceability.chain import Node, RegistryAdmin

    return RegistryAdmin.deploy(node=Node(web3), account=owner)


@pytest.fixture(scope="module")
def shared_web3() -> Web3:
    """An EVM shared by one test module, for tests that only read."""
    return new_tester_web3()


@pytest.fixture(scope="module")
def shared_registry(shared_web3: Web3) -> RegistryAdmin:
    """A registry deployed once per test module, for tests that only read."""
    from traceability.chain import Node, RegistryAdmin

    return RegistryAdmin.deploy(node=Node(shared_web3), account=funded_account(shared_web3))


# --------------------------------------------------------------------------- Django-side fixtures
# (imported lazily: the pure tests above also run without pytest-django)


@pytest.fixture
def fast_keystores(settings):  # noqa: ANN001 - pytest-django's settings fixture
    """Inspector keystores with a small scrypt cost, so tests unlock them in milliseconds."""
    settings.TRACE_KEYSTORE_SCRYPT_N = 2**10
    return settings


@pytest.fixture
def tester_chain(settings, monkeypatch, fast_keystores):  # noqa: ANN001
    """The site's ledger on an in-process EVM: a registry deployed by ``registry_deploy``."""
    from traceability import ledger, services
    from traceability.chain import Node

    web3 = new_tester_web3()
    owner = funded_account(web3)
    monkeypatch.setattr(ledger, "node", lambda: Node(web3))
    settings.CHAIN_RPC_URL = "tester://in-process"
    settings.CHAIN_ANCHOR_KEY = owner.key.hex()
    settings.CHAIN_CONFIRMATIONS = 1
    settings.TRACE_POLL_SECONDS = 0.01
    registry, created = services.registry_deploy()
    assert created
    return web3, registry


@pytest.fixture
def make_lot(db):  # noqa: ANN001
    """Build a lot (with its harvest event) through the services, as a producer would."""
    import itertools
    from datetime import date
    from decimal import Decimal

    from tests import factories
    from traceability import services

    counter = itertools.count(1)

    def make(product=None, *, code=None, actor=None, **kwargs):
        product = product or factories.product()
        return services.lot_create(
            product=product,
            code=code or f"MO-2025-{next(counter):03d}",
            production_date=kwargs.pop("production_date", date(2025, 11, 20)),
            quantity=kwargs.pop("quantity", Decimal("120.5")),
            unit=kwargs.pop("unit", "KGM"),
            actor=actor,
            **kwargs,
        )

    return make


PASSPHRASE = "mật khẩu ký của tôi"


@pytest.fixture
def inspector(django_user_model, tester_chain):  # noqa: ANN001
    """An inspector with an accredited signing key (passphrase PASSPHRASE)."""
    from django.contrib.auth.models import Group

    from traceability import services

    user = django_user_model.objects.create_user("thanh-tra", "inspector@example.vn", "pw-123456")
    user.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    key = services.inspector_key_create(user=user, passphrase=PASSPHRASE)
    services.inspector_accredit(key=key)
    return user


@pytest.fixture(scope="session")
def anvil():
    """One anvil node for the session (skips, or fails in CI, when anvil is missing)."""
    from tests.conftest import require
    from tests.traceability.anvil import Anvil, anvil_binary

    binary = anvil_binary()
    require(binary is not None, "anvil not found (npm install provides it; or set $ANVIL)")
    node = Anvil(binary)
    yield node
    node.stop()


@pytest.fixture
def anvil_chain(settings, anvil, fast_keystores):  # noqa: ANN001
    """The site's ledger on anvil over HTTP: a funded anchoring account and a fresh registry."""
    from traceability import services

    account = Account.create()
    anvil.rpc("anvil_setBalance", account.address, hex(10 * 10**18))
    settings.CHAIN_RPC_URL = anvil.url
    settings.CHAIN_RPC_TIMEOUT = 5
    settings.CHAIN_ANCHOR_KEY = account.key.hex()
    settings.CHAIN_CONFIRMATIONS = 1
    settings.TRACE_POLL_SECONDS = 0.05
    registry, created = services.registry_deploy(timeout=120)
    assert created
    return registry


@pytest.fixture(autouse=True)
def _celery_caches_forgotten():
    """Tasks run inline (``task_always_eager``) still make Celery build and cache a producer
    pool and a result backend from the test settings (no broker, no backend). Forget them
    afterwards, so a later test that points Celery at Redis really gets Redis."""
    yield
    from shop.celery import app

    app._after_fork()  # drops the connection and producer pools, as in a fresh process
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
