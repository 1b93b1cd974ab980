"""The buyer's review form and the producer's answer form. The services decide; the forms
only shape the input (the services check it again)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from shop.catalogue.reviews import services
from shop.catalogue.reviews.models import MAX_PHOTOS
from shop.uploads.files import upload_clean
from shop.uploads.forms import MultipleFileInput

SCORE_LABELS = {
    5: _("5 stars: excellent"),
    4: _("4 stars: good"),
    3: _("3 stars: fair"),
    2: _("2 stars: poor"),
    1: _("1 star: very poor"),
}


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS images in one input, each checked by content and re-encoded."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={
                    "accept": services.PHOTO_POLICY.accept_attribute,
                    "class": "form-control-file",
                    "aria-describedby": "id_photos_help",
                }
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                ngettext_lazy(
                    "Add at most %(limit)d photo.", "Add at most %(limit)d photos.", MAX_PHOTOS
                ),
                code="too_many",
                params={"limit": MAX_PHOTOS},
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(upload_clean(upload, policy=services.PHOTO_POLICY))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return cleaned


class ReviewForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=list(SCORE_LABELS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )
    title = forms.CharField(
        label=_("Title (optional)"),
        required=False,
        max_length=services.TITLE_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    body = forms.CharField(
        label=_("Your review"),
        max_length=services.BODY_MAX,
        widget=forms.Textarea(
            attrs={"rows": 6, "class": "form-control", "aria-describedby": "id_body_help"}
        ),
        help_text=_("What did you like, what could be better? Plain text."),
        error_messages={"required": _("Write a few words about the product.")},
    )
    photos = PhotosField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("Up to 3 photos: JPEG, PNG or WebP."),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your public answer"),
        max_length=services.ANSWER_MAX,
        widget=forms.Textarea(
            attrs={"rows": 4, "class": "form-control", "aria-describedby": "id_text_help"}
        ),
        help_text=_("Everyone sees it under the review. You can answer once."),
        error_messages={"required": _("Write your answer.")},
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it hidden? (the author is told)"),
        max_length=services.REASON_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": _("Say why the review is hidden.")},
    )
