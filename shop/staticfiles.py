"""Static files that npm installs, found by one finder that knows they are a build step.

``NPM_STATIC_ASSETS`` lists, as ``(prefix, directory)`` pairs, the directories of runtime npm
packages (package.json ``dependencies``) the site serves, e.g. the scanner's QR decoder. A plain
checkout has no ``node_modules``: the site still runs and ``check --deploy`` is clean, because
production serves only what ``collectstatic`` gathered. ``collectstatic`` itself refuses to run
without them, so a release can never ship a page without its library.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder, FileSystemFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage
from django.core.management.base import CommandError

BUILD_STEP = "npm ci --omit=dev"


def missing_npm_assets() -> list[str]:
    return [str(root) for _, root in settings.NPM_STATIC_ASSETS if not os.path.isdir(root)]


class NpmAssetsFinder(FileSystemFinder):
    def __init__(self, app_names=None, *args, **kwargs):
        self.locations = [(prefix, root) for prefix, root in settings.NPM_STATIC_ASSETS]
        self.storages = {}
        for prefix, root in self.locations:
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix
            self.storages[root] = storage
        BaseFinder.__init__(self, *args, **kwargs)

    def check(self, **kwargs):
        return [
            Error(f"The prefix {prefix!r} in NPM_STATIC_ASSETS must not end with a slash.")
            for prefix, _ in settings.NPM_STATIC_ASSETS
            if prefix.endswith("/")
        ]

    def list(self, ignore_patterns):
        missing = missing_npm_assets()
        if missing:
            raise CommandError(
                f"The npm assets are not installed ({', '.join(missing)} missing). "
                f"Run `{BUILD_STEP}` in {settings.BASE_DIR} before collecting static files."
            )
        yield from super().list(ignore_patterns)
