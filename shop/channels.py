"""How a person wants to hear from the floor: by e-mail, or by Zalo (ZNS) at their phone.

Orders, accounts and producers keep their choice; a Zalo message that cannot be sent goes by
e-mail instead (``shop.notifications``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    ZALO = "zalo", _("Zalo")
