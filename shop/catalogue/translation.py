"""Catalogue text buyers read in both languages (django-modeltranslation).

Each field gets a ``_vi`` and an ``_en`` column; reading ``product.title`` gives the page's
language, falling back to Vietnamese where nobody has written the English yet
(``shop.catalogue.selectors`` lists those gaps for operators).
"""

from modeltranslation.translator import TranslationOptions, register
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = (
        "title",
        "description",
        "season",
        "storage",
        "geographical_indication",
        "meta_title",
        "meta_description",
    )


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")
