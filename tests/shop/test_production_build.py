"""A production build from a plain checkout: clean deploy checks, and static files only with the
npm assets the pages need (README, "Production build")."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shop.test_settings import PRODUCTION_ENV, ROOT

NOT_IN_A_CHECKOUT = (".venv", "node_modules", "var", "staticfiles", "screenshots")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """The repository's files (committed or not, minus ignored ones), without node_modules."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    target = tmp_path_factory.mktemp("checkout")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if name.split("/")[0] in NOT_IN_A_CHECKOUT or not source.is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    assert not (target / "node_modules").exists()
    return target


def manage(checkout: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    unwanted = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "STATIC_ROOT"}
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=checkout,
        env={**clean, **PRODUCTION_ENV, "CHO_PHIEN_VAR_DIR": str(checkout / "var"), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_is_clean_on_a_checkout_without_node_modules(checkout):
    result = manage(checkout, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_collectstatic_refuses_without_the_npm_assets_and_names_the_build_step(checkout, tmp_path):
    static_root = tmp_path / "static"
    result = manage(checkout, "collectstatic", "--no-input", STATIC_ROOT=str(static_root))
    assert result.returncode != 0
    assert "CommandError" in result.stderr and "Traceback" not in result.stderr
    assert "npm ci --omit=dev" in result.stderr
    assert "jsqr" in result.stderr
    assert not (static_root / "staticfiles.json").exists()


def test_collectstatic_after_the_build_step_ships_the_scanner_and_the_charts_with_their_libraries(
    checkout, tmp_path
):
    """What `npm ci --omit=dev` leaves (the runtime packages alone), then collectstatic."""
    modules = checkout / "node_modules"
    runtime = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert {"jsqr", "chart.js"} <= set(runtime)
    for package in runtime:
        shutil.copytree(ROOT / "node_modules" / package, modules / package)
    # ... and what its "postinstall" builds: the in-browser verifier's bundled libraries.
    assert "build.mjs" in json.loads((ROOT / "package.json").read_text())["scripts"]["postinstall"]
    shutil.copytree(ROOT / "node_modules" / ".chophien", modules / ".chophien")
    static_root = tmp_path / "static"
    try:
        result = manage(
            checkout, "collectstatic", "--no-input", "-v0", STATIC_ROOT=str(static_root)
        )
    finally:
        shutil.rmtree(modules)
    assert result.returncode == 0, result.stderr
    manifest = (static_root / "staticfiles.json").read_text()
    assert '"vendor/jsqr/jsQR.js"' in manifest and '"traceability/scanner.js"' in manifest
    assert (static_root / "vendor" / "jsqr" / "jsQR.js").is_file()
    assert '"vendor/chartjs/chart.umd.min.js"' in manifest and '"shop/charts.js"' in manifest
    assert '"vendor/verifier/libs.js"' in manifest and '"traceability/verify-core.js"' in manifest
    assert '"traceability/verify-certificates.js"' in manifest
