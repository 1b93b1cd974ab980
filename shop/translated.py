"""Text written in Vietnamese and English: django-modeltranslation's ``<field>_vi`` and
``<field>_en`` columns (registered in ``shop/catalogue/translation.py`` and
``shop/partner/translation.py``), as forms label them.

Reading ``product.title`` gives the page's language, falling back to Vietnamese; forms that
write both languages name the columns themselves, so what a person types lands in the language
they typed it in, whatever the language of the page they type it on.
"""

from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from modeltranslation.translator import NotRegistered, translator

LANGUAGES = ("vi", "en")


def translated_fields(model) -> tuple[str, ...]:
    """The model's fields kept in both languages ("title", "description", …)."""
    try:
        return tuple(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return ()


def own(obj, field: str) -> str:
    """`obj`'s `field` in the page's language, without falling back to the Vietnamese."""
    code = (get_language() or LANGUAGES[0]).split("-")[0]
    return getattr(obj, f"{field}_{code}", None) or ""


def columns(*names: str) -> list[str]:
    """Each field's Vietnamese column, then its English one: title_vi, title_en, …"""
    return [f"{name}_{code}" for name in names for code in LANGUAGES]


def _in_language(label, code: str) -> str:
    if code == "en":
        return gettext("%(field)s (in English)") % {"field": label}
    return gettext("%(field)s (in Vietnamese)") % {"field": label}


in_language = lazy(_in_language, str)


def form_languages_label(form, *, labels=None, english_help_text="") -> None:
    """Labels every ``<field>_vi``/``<field>_en`` field of a model form "<label> (in
    Vietnamese)" / "(in English)", the label being the model field's or ``labels[<field>]``;
    English fields are optional, with `english_help_text` where they have none."""
    model = form._meta.model
    labels = labels or {}
    for base in translated_fields(model):
        label = labels.get(base) or model._meta.get_field(base).verbose_name
        for code in LANGUAGES:
            field = form.fields.get(f"{base}_{code}")
            if field is None:
                continue
            field.label = in_language(label, code)
            if code == "en":
                field.required = False
                if english_help_text and not field.help_text:
                    field.help_text = english_help_text
