"""The operators' order forms, whose status choices read in the operator's language (the
stored status stays the value)."""

from oscar.apps.dashboard.orders import forms

from shop.order import statuses


class OrderSearchForm(forms.OrderSearchForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, statuses.label(value) if value else text)
            for value, text in self.fields["status"].choices
        ]


class OrderStatusForm(forms.OrderStatusForm):
    def __init__(self, order, *args, **kwargs):
        super().__init__(order, *args, **kwargs)
        self.fields["new_status"].choices = [
            (value, statuses.label(value)) for value, _text in self.fields["new_status"].choices
        ]
