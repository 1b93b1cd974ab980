"""Checks for locale_oscar/, the Vietnamese catalogue that completes django-oscar's own.

Oscar ships a vi catalogue that leaves part of its msgids untranslated and gets a few
buyer-facing strings wrong. locale_oscar/vi/LC_MESSAGES/django.po (listed in
LOCALE_PATHS, so it wins over Oscar's catalogue) fills those gaps. These tests run without
Django settings: the catalogues are read with polib and the compiled .mo with the
standard library's gettext, which is what Django itself uses.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import oscar
import polib
import pytest

REPO = Path(__file__).resolve().parents[1]
OVERRIDE_LOCALE_DIR = REPO / "locale_oscar"
OVERRIDE_PO = OVERRIDE_LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po"
OVERRIDE_MO = OVERRIDE_PO.with_suffix(".mo")
OSCAR_PO = Path(oscar.__file__).parent / "locale/vi/LC_MESSAGES/django.po"

CTX_SEP = "\x04"  # how gettext joins msgctxt and msgid in a compiled catalogue

# printf-style placeholder as understood by Python's % operator: %s, %d, %(name)s, %%, ...
PERCENT_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?"
    r"(?P<conv>[diouxXeEfFgGcrsa%])"
)
NAMED_PERCENT_RE = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE_RE = re.compile(r"\{\{|\}\}|\{(?P<field>[A-Za-z_0-9]*(?:![rsa])?(?::[^{}]*)?)\}")
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _label(key: tuple[str | None, str]) -> str:
    ctx, msgid = key
    text = json.dumps(msgid.strip(), ensure_ascii=False)
    return f"[{ctx}] {text}" if ctx else text


def _is_translated(entry: polib.POEntry) -> bool:
    """Translated the way msgfmt/compilemessages see it: non-empty and not fuzzy."""
    return not entry.obsolete and "fuzzy" not in entry.flags and entry.translated()


def _translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source text, translation) pairs to compare.

    Vietnamese has a single plural form, so msgstr[0] is used for every count and is
    compared with the plural msgid (which carries the count placeholder).
    """
    if entry.msgid_plural:
        return [(entry.msgid_plural, text) for _, text in sorted(entry.msgstr_plural.items())]
    return [(entry.msgid, entry.msgstr)]


def _checks_percent(entry: polib.POEntry) -> bool:
    if "no-python-format" in entry.flags:
        return False
    return "python-format" in entry.flags or bool(NAMED_PERCENT_RE.search(entry.msgid))


def placeholders(text: str, percent: bool = True) -> tuple[list[str], list[str], list[str]]:
    """Named %-placeholders (sorted, unique), positional ones (in order), brace fields."""
    named: set[str] = set()
    positional: list[str] = []
    if percent:
        for match in PERCENT_RE.finditer(text):
            if match.group("conv") == "%":
                named.add("%%")
            elif match.group("name") is not None:
                named.add(match.group(0))
            else:
                positional.append(match.group(0))
    braces = {m.group(0) for m in BRACE_RE.finditer(text) if m.group("field") is not None}
    return sorted(named), positional, sorted(braces)


@pytest.fixture(scope="module")
def oscar_po() -> polib.POFile:
    assert OSCAR_PO.is_file(), f"Oscar's vi catalogue not found at {OSCAR_PO}"
    return polib.pofile(str(OSCAR_PO))


@pytest.fixture(scope="module")
def override_po() -> polib.POFile:
    assert OVERRIDE_PO.is_file(), f"missing {OVERRIDE_PO.relative_to(REPO)}"
    return polib.pofile(str(OVERRIDE_PO))


def test_override_header(override_po: polib.POFile) -> None:
    meta = override_po.metadata
    assert meta.get("Language") == "vi"
    assert meta.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in meta.get("Content-Type", "")


def test_every_oscar_msgid_is_translated(oscar_po: polib.POFile, override_po: polib.POFile) -> None:
    overridden = {_key(e) for e in override_po if _is_translated(e)}
    missing = [
        _key(e)
        for e in oscar_po
        if not e.obsolete and not _is_translated(e) and _key(e) not in overridden
    ]
    assert not missing, (
        f"{len(missing)} msgid(s) of Oscar's vi catalogue are translated neither by Oscar "
        f"nor by {OVERRIDE_PO.relative_to(REPO)}:\n" + "\n".join(map(_label, missing))
    )


def test_override_entries_are_complete(override_po: polib.POFile) -> None:
    problems = []
    seen: set[tuple[str | None, str]] = set()
    for entry in override_po:
        key = _key(entry)
        if entry.obsolete:
            problems.append(f"obsolete entry: {_label(key)}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy (ignored when compiled): {_label(key)}")
        elif not entry.translated():
            problems.append(f"empty translation: {_label(key)}")
        if entry.msgid_plural and set(entry.msgstr_plural) != {0}:
            problems.append(f"nplurals=1 wants exactly msgstr[0]: {_label(key)}")
        if key in seen:
            problems.append(f"duplicate entry: {_label(key)}")
        seen.add(key)
    assert not problems, "\n".join(problems)


def test_mo_is_up_to_date_with_po(override_po: polib.POFile) -> None:
    assert OVERRIDE_MO.is_file(), f"missing {OVERRIDE_MO.relative_to(REPO)}; run msgfmt"
    with OVERRIDE_MO.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)

    expected: dict[object, str] = {}
    for entry in override_po:
        if not _is_translated(entry):
            continue
        msgid = f"{entry.msgctxt}{CTX_SEP}{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(msgid, int(index))] = text
        else:
            expected[msgid] = entry.msgstr

    actual = {k: v for k, v in compiled._catalog.items() if k != ""}  # "" is the header
    stale = sorted(
        str(k) for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k)
    )
    assert not stale, (
        f"{OVERRIDE_MO.name} is out of date with {OVERRIDE_PO.name} for {len(stale)} "
        "message(s); recompile with `msgfmt --check -o django.mo django.po`:\n"
        + "\n".join(stale[:50])
    )
    assert compiled.plural(1) == compiled.plural(5) == 0


def test_override_placeholders_match_msgid(override_po: polib.POFile) -> None:
    problems = []
    for entry in override_po:
        percent = _checks_percent(entry)
        for source, text in _translations(entry):
            want, got = placeholders(source, percent), placeholders(text, percent)
            if want != got:
                problems.append(f"{_label(_key(entry))}: msgid {want} != msgstr {got}")
    assert not problems, f"{len(problems)} placeholder mismatch(es):\n" + "\n".join(problems)


def test_override_keeps_html_tags(override_po: polib.POFile) -> None:
    problems = []
    for entry in override_po:
        for source, text in _translations(entry):
            want = sorted(HTML_TAG_RE.findall(source))
            got = sorted(HTML_TAG_RE.findall(text))
            if want != got:
                problems.append(f"{_label(_key(entry))}: {want} != {got}")
    assert not problems, "\n".join(problems)


def test_served_oscar_translations_keep_placeholders(
    oscar_po: polib.POFile, override_po: polib.POFile
) -> None:
    """Oscar's own translations that we do not override must be safe to format too."""
    overridden = {_key(e) for e in override_po if _is_translated(e)}
    problems = []
    for entry in oscar_po:
        if not _is_translated(entry) or _key(entry) in overridden:
            continue
        percent = _checks_percent(entry)
        for source, text in _translations(entry):
            want, got = placeholders(source, percent), placeholders(text, percent)
            if want != got:
                problems.append(f"{_label(_key(entry))}: msgid {want} != msgstr {got}")
    assert not problems, (
        f"{len(problems)} Oscar vi translation(s) break placeholders; override them in "
        f"{OVERRIDE_PO.relative_to(REPO)}:\n" + "\n".join(problems)
    )


def test_placeholder_parser() -> None:
    assert placeholders("%(total)s of %(n)d, 50%% off") == (["%%", "%(n)d", "%(total)s"], [], [])
    assert placeholders('<a href="%s">%s</a>') == ([], ["%s", "%s"], [])
    assert placeholders('SKU "{partner_sku}" {{literal}}') == ([], [], ["{partner_sku}"])


def test_django_prefers_override_over_oscar() -> None:
    """With our directory in LOCALE_PATHS, Django serves our entries and Oscar's others."""
    script = textwrap.dedent(
        """
        import json, sys
        import django
        from django.conf import settings
        settings.configure(
            USE_I18N=True,
            LANGUAGE_CODE="vi",
            INSTALLED_APPS=["oscar"],
            LOCALE_PATHS=[sys.argv[1]],
        )
        django.setup()
        from django.utils import translation
        translation.activate("vi")
        print(json.dumps({
            "untranslated_by_oscar": translation.gettext("Meta title"),
            "context": translation.pgettext("Buy again", "Re-order"),
            "plural": translation.ngettext("%s Option", "%s Options", 3),
            "corrected": translation.gettext("Save review"),
            "oscar_own": translation.gettext("Proceed to checkout"),
        }, ensure_ascii=False))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(OVERRIDE_LOCALE_DIR)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got == {
        "untranslated_by_oscar": "Tiêu đề meta",
        "context": "Mua lại",
        "plural": "%s lựa chọn",
        "corrected": "Gửi đánh giá",
        "oscar_own": "Tiến hành thanh toán",
    }
