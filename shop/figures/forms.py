"""The Ministry's statistics are asked for past periods: the period picker, and no future."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.reporting import PeriodForm


class StatisticsPeriodForm(PeriodForm):
    """A period (shop.reporting.PeriodForm) that has begun: a report of days still to come
    would count nothing and mislead."""

    def __init__(self, *args, default: str = "month", **kwargs):
        kwargs.setdefault("initial", {"preset": default})  # the period shown is the one picked
        super().__init__(*args, default=default, **kwargs)

    def clean(self):
        data = super().clean()
        chosen = data.get("range")
        today = self.today or timezone.localdate()
        if chosen is not None and chosen.start > today:
            raise forms.ValidationError(_("The period has not begun yet."))
        return data
