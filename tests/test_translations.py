"""Vietnamese is the default language: every string of ours is translated, and kept so."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def test_every_string_of_ours_is_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(OURS))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(OURS)).translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), (
                entry.msgid
            )


def _entries(catalogue) -> dict:
    return {
        (e.msgid, e.msgid_plural): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        for e in catalogue
        if e.msgid and (e.msgstr or any(e.msgstr_plural.values()))
    }


def test_compiled_catalogue_is_up_to_date():
    compiled = polib.mofile(str(OURS.with_suffix(".mo")))
    assert _entries(compiled) == _entries(polib.pofile(str(OURS)))


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext (xgettext)")
def test_catalogue_holds_every_string_in_the_code(tmp_path):
    """Extract the strings afresh: anything new in code or templates must be in the catalogue."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", "node_modules", ".git", "staticfiles", "tests", "*.pyc", "bench"
        ),
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings.test", "PYTHONPATH": str(copy)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-location"]
        + ["--ignore=locale_oscar", "--ignore=.venv"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    # A new string msgmerge guessed from a similar one is "fuzzy": not translated either.
    missing = [
        e.msgid for e in fresh.untranslated_entries() + fresh.fuzzy_entries() if not e.obsolete
    ]
    assert missing == [], "run makemessages -l vi and translate these"
    stale = [e.msgid for e in fresh.obsolete_entries()]
    assert stale == [], "these strings are no longer used; drop them from the catalogue"
