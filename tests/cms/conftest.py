import pytest


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path_factory):
    """Images drawn by these tests live in this session's own folder, so another test session
    cleaning the shared test media folder cannot pull files from under them."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
