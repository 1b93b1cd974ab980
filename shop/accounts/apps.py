from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Signing in: login throttling (django-axes) and operators' second factor (django-otp);
    each account's profile (its person's language)."""

    name = "shop.accounts"
    label = "accounts"
    verbose_name = _("Sign-in security")

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from shop.accounts import backends, receivers

        for signal in (post_save, post_delete):
            signal.connect(
                backends.user_changed,
                sender=settings.AUTH_USER_MODEL,
                dispatch_uid=f"shop.accounts.user_changed.{signal is post_save}",
            )
        post_save.connect(
            receivers.profile_create,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="shop.accounts.profile_create",
        )
        user_logged_in.connect(
            receivers.language_remember_at_login, dispatch_uid="shop.accounts.language_at_login"
        )
