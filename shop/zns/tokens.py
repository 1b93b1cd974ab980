"""The token store the adapter keeps the Official Account's tokens in: a database row."""

from shop.zns.models import ZnsToken
from shop.zns.ports import Tokens


class DatabaseTokenStore:
    def __init__(self, app_id: str):
        self.app_id = app_id

    def current(self) -> Tokens | None:
        row = ZnsToken.objects.filter(app_id=self.app_id).first()
        if row is None:
            return None
        return Tokens(
            access_token=row.access_token,
            refresh_token=row.refresh_token,
            expires_at=row.expires_at,
        )

    def save(self, tokens: Tokens) -> None:
        ZnsToken.objects.update_or_create(
            app_id=self.app_id,
            defaults={
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
                "expires_at": tokens.expires_at,
            },
        )
