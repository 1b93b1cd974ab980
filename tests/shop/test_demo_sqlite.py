"""The README's run command serves the demo from SQLite on a fresh machine: the floor, its
history and its satisfaction index load there too, not only on PostgreSQL (where CI's other
tests run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_loads_into_sqlite(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CHAIN_RPC_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(CHO_PHIEN_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="shop.settings.dev")

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--no-input", "-v", "0")
    manage("load_demo")
    assert (tmp_path / "db.sqlite3").exists()
    figures = manage(
        "shell",
        "-c",
        "from shop.satisfaction.models import MonthlyFigures as M;"
        "print(M.objects.count(), M.objects.filter(median_resolution_hours__isnull=False).count())",
    )
    months, with_median = (int(n) for n in figures.split()[-2:])
    assert months > 0 and with_median > 0
