"""A producer's name and story in both languages (django-modeltranslation, as the catalogue)."""

from modeltranslation.translator import TranslationOptions, register
from oscar.core.loading import get_model

Partner = get_model("partner", "Partner")


@register(Partner)
class PartnerTranslation(TranslationOptions):
    fields = ("name", "story")
