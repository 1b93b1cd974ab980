"""Every account has a profile, and it follows the language its person uses.

- A new account gets its profile as it is saved, in the language of the page it was made on
  (a person registering on /en/ reads English).
- Signing in on one of the site's pages remembers that page's language. The dashboard and the
  admin exist in Vietnamese only: signing in there changes nothing.
- Choosing a language with the switcher is remembered too (``shop.accounts.views.language_switch``).
"""

from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from shop.accounts import services


def profile_create(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        services.profile_get(user=instance, language=translation.get_language())


def language_remember_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and speaks_a_language(request.path_info):
        services.profile_language_set(user=user, language=request.LANGUAGE_CODE)


def speaks_a_language(path: str) -> bool:
    """Whether `path` is a page of the site that exists in each language (i18n_patterns), not
    one that is in Vietnamese only (the dashboard, the admin)."""
    return bool(translation.get_language_from_path(path)) or any(
        translate_url(path, code) != path for code, _name in settings.LANGUAGES
    )
