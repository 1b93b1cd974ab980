"""Form fields for uploads: each checks its files with `files.upload_clean` for one policy and
gives the form an `Upload` (or a list of them) to hand to the services."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shop.uploads.files import Policy, upload_clean


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """One file, checked for `policy`."""

    def __init__(self, *args, policy: Policy, **kwargs):
        self.policy = policy
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": policy.accept_attribute})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:  # nothing new: no file, or the one stored
            return upload or None
        return upload_clean(upload, policy=self.policy)


class UploadsField(forms.FileField):
    """Several files in one input, each checked for `policy`; at most the number the setting
    `max_count_setting` says."""

    def __init__(self, *args, policy: Policy, max_count_setting: str, **kwargs):
        self.policy, self.max_count_setting = policy, max_count_setting
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": policy.accept_attribute}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        limit = getattr(settings, self.max_count_setting)
        if len(files) > limit:
            raise ValidationError(
                _("Send at most %(limit)d files."), code="too_many", params={"limit": limit}
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(upload_clean(upload, policy=self.policy))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return cleaned
