"""Where code goes: rules of the tree that a new module or page could break without noticing.

- Every page under /dashboard/ (an operator's, or a producer's own shop) is a view of its app's
  ``dashboard`` package (``<app>/dashboard/views.py``), or one of Oscar's dashboard views.
- No module outside migrations and tests grows past ~600 lines; split it by concern first.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.admindocs.views import extract_views_from_urlpatterns
from django.urls import get_resolver

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 600

# Oscar's dashboard mounts Django's own LogoutView at /dashboard/logout/: not a page of ours.
NOT_OURS = {"dashboard:logout"}

# Folders that hold no module of the project (installed packages, built or run-time files).
SKIPPED_FOLDERS = {".venv", "node_modules", ".git", "var", "staticfiles", "screenshots"}


def dashboard_views():
    """(route, URL name, the module its view is defined in) for every page under /dashboard/."""
    patterns = get_resolver().url_patterns
    for view, route, namespaces, name in extract_views_from_urlpatterns(patterns):
        if str(route).startswith("dashboard/"):
            module = getattr(view, "view_class", view).__module__
            yield route, ":".join([*namespaces, name or ""]), module


def test_every_dashboard_page_is_a_view_of_a_dashboard_package():
    views = list(dashboard_views())
    # The resolver is read: the marketplace's pages and Oscar's are both there.
    modules = {module for _route, _name, module in views}
    assert any(m.startswith("shop.") for m in modules)
    assert any(m.startswith("oscar.") for m in modules)
    misplaced = [
        f"/{route} ({name}): {module}"
        for route, name, module in views
        if name not in NOT_OURS and "dashboard" not in module.split(".")
    ]
    assert not misplaced, "dashboard pages outside a dashboard package:\n" + "\n".join(misplaced)


def project_modules():
    """Every .py file of the project, except migrations and tests, relative to the root."""
    for folder, subfolders, files in os.walk(ROOT):
        here = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in SKIPPED_FOLDERS
            and name != "migrations"
            and not (here == ROOT and name == "tests")
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield (here / name).relative_to(ROOT)


def test_no_module_outside_migrations_and_tests_is_over_600_lines():
    modules = list(project_modules())
    assert Path("shop/settings/base.py") in modules and Path("manage.py") in modules
    too_long = {}
    for module in modules:
        lines = len((ROOT / module).read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long[module.as_posix()] = lines
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"
