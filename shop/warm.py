"""What a server process loads before it forks its workers (gunicorn.conf.py, `when_ready`),
rather than each worker on its first requests: a worker's first request took over 100 ms of
CPU (importing the cache's Redis client, loading each language's catalogues and URL names,
compiling templates), and held the worker's other threads still meanwhile.

Nothing here connects to anything: no database connection or Redis socket is opened, so none
can be carried across the fork."""

from django.conf import settings
from django.core.cache import caches
from django.template import engines
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.urls import get_resolver
from django.utils import translation


def process_warm() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (loads the URLconf, its views, forms and models)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # loads the language's catalogues
            resolver.reverse_dict  # noqa: B018 (the language's URL names, for reverse())
    for alias in caches.settings:
        caches[alias]  # noqa: B018 (imports the backend; it connects when first used)
    templates_compile()


def templates_compile() -> list[str]:
    """Compile the project's templates, and those they extend or include by name, into the
    template engine's cache; their names."""
    engine = engines["django"].engine
    root = settings.BASE_DIR / "templates"
    pending = [str(path.relative_to(root)) for path in sorted(root.rglob("*.html"))]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        nodelist = engine.get_template(name).nodelist
        for node in nodelist.get_nodes_by_type(ExtendsNode):
            pending.extend(_literal(node.parent_name))
        for node in nodelist.get_nodes_by_type(IncludeNode):
            pending.extend(_literal(node.template))
    return sorted(seen)


def _literal(expression) -> list[str]:
    """The template name a tag names as a string literal (none when it is computed)."""
    var = expression.var  # a string for a literal, a Variable otherwise
    return [var] if isinstance(var, str) and not expression.filters else []
