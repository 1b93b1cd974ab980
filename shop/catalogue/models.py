"""Products of a provincial marketplace: every product says where it comes from and who made it."""

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct

from shop import geo
from shop.text import fold
from shop.translated import own
from traceability import gs1


def search_form(text: str) -> str:
    """How a product's text is stored for search: folded words framed by spaces."""
    words = "".join(ch if ch.isalnum() else " " for ch in fold(text)).split()
    return f" {' '.join(words)} " if words else ""


class NetUnit(models.TextChoices):
    GRAM = "g", _("g")
    KILOGRAM = "kg", _("kg")
    MILLILITRE = "ml", _("ml")
    LITRE = "l", _("l")
    PIECE = "piece", _("piece")


TAKEN_DOWN = _(
    "An operator took this listing down, so it cannot be made public here. To put it back on "
    "sale, restore it with a reason: follow “Take this listing down, or restore it” on the "
    "product's dashboard page."
)


class Product(AbstractProduct):
    producer = models.ForeignKey(
        "partner.Partner",
        verbose_name=_("Producer"),
        related_name="products",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    origin_province_code = models.PositiveSmallIntegerField(
        _("Province of origin"), null=True, blank=True, db_index=True
    )
    origin_ward_code = models.PositiveIntegerField(
        _("Commune of origin"), null=True, blank=True, db_index=True
    )
    ocop_stars = models.PositiveSmallIntegerField(
        _("OCOP stars"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
        choices=[(3, "3★"), (4, "4★"), (5, "5★")],
        db_index=True,
    )
    geographical_indication = models.CharField(
        _("Geographical indication"), max_length=200, blank=True
    )
    season = models.CharField(_("Season / harvest"), max_length=120, blank=True)
    net_quantity = models.DecimalField(
        _("Net weight or volume"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    net_unit = models.CharField(_("Unit"), max_length=8, choices=NetUnit.choices, blank=True)
    shipping_weight_grams = models.PositiveIntegerField(
        _("Packed weight (g)"),
        null=True,
        blank=True,
        help_text=_("One unit as it ships, packaging included; carriers charge by weight."),
    )
    shelf_life_days = models.PositiveIntegerField(_("Shelf life (days)"), null=True, blank=True)
    storage = models.CharField(_("Storage"), max_length=255, blank=True)
    gtin = models.CharField(
        _("GTIN"),
        max_length=14,
        blank=True,
        help_text=_("GS1 trade item number; allocated from our company prefix when empty."),
    )

    # Folded copies of the text for diacritic-insensitive search (see shop/search).
    search_title = models.CharField(max_length=512, blank=True, editable=False, db_index=True)
    search_body = models.TextField(blank=True, editable=False)

    # Oscar's `rating` (average score of approved reviews) has its count beside it.
    reviews_count = models.PositiveIntegerField(_("Reviews"), default=0, editable=False)

    class Meta(AbstractProduct.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ocop_stars__isnull=True) | models.Q(ocop_stars__range=(3, 5)),
                name="product_ocop_stars_3_to_5",
            ),
            models.UniqueConstraint(
                fields=["gtin"], condition=~models.Q(gtin=""), name="product_gtin_unique"
            ),
        ]

    def get_missing_image(self):
        """Oscar's placeholder image, which it links into the media folder the first time one
        is needed. Requests that need it at once race to make the link, and the losers'
        attempts fail (Oscar raises): asked again, Oscar finds the winner's link. Where no
        link could be made, it raises again."""
        try:
            return super().get_missing_image()
        except (ImproperlyConfigured, OSError):
            return super().get_missing_image()

    @property
    def origin_province(self):
        return geo.province(self.origin_province_code)

    @property
    def origin_ward(self):
        return geo.ward(self.origin_ward_code)

    @property
    def origin_label(self) -> str:
        """Commune and province of origin, named in the page's language."""
        return geo.place_label(
            ward_code=self.origin_ward_code, province_code=self.origin_province_code
        )

    def get_origin_url(self) -> str:
        if self.origin_ward_code and self.origin_ward:
            return reverse(
                "catalogue:origin-ward",
                kwargs={
                    "province": self.origin_province_code,
                    "ward": self.origin_ward_code,
                    "slug": self.origin_ward.codename.replace("_", "-"),
                },
            )
        if self.origin_province_code and self.origin_province:
            return reverse(
                "catalogue:origin",
                kwargs={
                    "province": self.origin_province_code,
                    "slug": geo.province_slug(self.origin_province_code),
                },
            )
        return ""

    # A search engine's title and description are written for one language: a page in another
    # shows the product's own title and description in it rather than the Vietnamese ones.
    def get_meta_title(self) -> str:
        parent = self.parent if self.is_child else None
        return own(self, "meta_title") or (parent and own(parent, "meta_title")) or self.get_title()

    def get_meta_description(self) -> str:
        parent = self.parent if self.is_child else None
        return (
            own(self, "meta_description")
            or (parent and own(parent, "meta_description"))
            or strip_tags(self.description or "")
        )

    def clean(self):
        super().clean()
        if self.origin_province_code is not None and not geo.province(self.origin_province_code):
            raise ValidationError({"origin_province_code": _("This province does not exist.")})
        ward_outside_province = self.origin_ward_code is not None and (
            self.origin_province_code is None
            or not geo.ward_in_province(self.origin_ward_code, self.origin_province_code)
        )
        if ward_outside_province:
            raise ValidationError(
                {"origin_ward_code": _("This commune is not in the chosen province.")}
            )
        if self.gtin and not gs1.is_valid_gtin(self.gtin):
            raise ValidationError({"gtin": _("This GTIN's check digit is wrong.")})
        if (self.net_quantity is None) != (not self.net_unit):
            raise ValidationError({"net_unit": _("Enter both the net quantity and its unit.")})

    @property
    def has_active_takedown(self) -> bool:
        """Whether an operator took this listing down and has not restored it (shop.producers,
        Decree 52/2013/NĐ-CP as amended by Decree 85/2021/NĐ-CP). Only restoring it, with a
        reason, puts it back on sale."""
        return self.pk is not None and self.takedowns.filter(restored_at__isnull=True).exists()

    def save(self, *args, **kwargs):
        # The last guard of a takedown: whatever form, command or script saves the product, it
        # cannot make a taken-down listing public (forms say so first: TAKEN_DOWN).
        update_fields = kwargs.get("update_fields")
        republishing = self.is_public and (update_fields is None or "is_public" in update_fields)
        if republishing and self.has_active_takedown:
            raise ValidationError({"is_public": TAKEN_DOWN}, code="taken_down")

        # Derived columns, not business rules: the folded text the search index reads, in both
        # languages, so English words find the English name and Vietnamese ones the Vietnamese.
        def both(field: str) -> str:
            return " ".join(getattr(self, f"{field}_{code}") or "" for code in ("vi", "en"))

        self.search_title = search_form(both("title"))
        with translation.override("vi"):  # place names: "Đồng Văn" folds like "Dong Van"
            origin = self.origin_label
        self.search_body = search_form(f"{both('description')} {origin}")
        super().save(*args, **kwargs)


from oscar.apps.catalogue.models import *  # noqa: E402, F403 (Oscar's fork pattern)
