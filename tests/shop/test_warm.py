"""The server's master process loads templates, catalogues and URL names before it forks its
workers (shop/warm.py), so that a worker's first requests do not compile or load them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.template import engines
from django.template.base import Template

from cms.services import home_page_ensure
from shop.warm import process_warm, templates_compile
from tests import factories

pytestmark = pytest.mark.django_db


def project_templates() -> set[str]:
    root = Path(settings.BASE_DIR) / "templates"
    return {str(path.relative_to(root)) for path in root.rglob("*.html")}


def templates_forget() -> None:
    for loader in engines["django"].engine.template_loaders:
        loader.reset()  # the cached loader's cache


def test_every_template_of_the_project_compiles_with_what_it_extends_and_includes():
    templates_forget()
    compiled = set(templates_compile())
    assert project_templates() <= compiled
    assert compiled - project_templates()  # Oscar's, which the project's include by name


def extending_their_namesake() -> set[str]:
    """The project's templates that extend Oscar's of the same name: Oscar's is found (and
    compiled) as the page renders, skipping the project's."""
    root = Path(settings.BASE_DIR) / "templates"
    return {
        name
        for name in project_templates()
        if f'{{% extends "{name}" %}}' in (root / name).read_text()
    }


def test_after_the_warm_up_a_first_page_compiles_none_of_the_project_templates(client, monkeypatch):
    home_page_ensure()
    honey = factories.category("Mật ong")
    product = factories.product("Mật ong bạc hà", categories=[honey])
    templates_forget()
    process_warm()
    compiled = []
    compile_nodelist = Template.compile_nodelist

    def recorded(template):
        compiled.append(template.name)
        return compile_nodelist(template)

    monkeypatch.setattr(Template, "compile_nodelist", recorded)
    for url in ("/", honey.get_absolute_url(), product.get_absolute_url()):
        assert client.get(url).status_code == 200
    assert not (set(compiled) & project_templates()) - extending_their_namesake(), compiled
    templates_forget()
    cache.clear()  # the page cache: rendered again
    compiled.clear()
    client.get(honey.get_absolute_url())
    # What the test stands on: it sees the project's templates compiled, without the warm-up.
    assert (set(compiled) & project_templates()) - extending_their_namesake()
