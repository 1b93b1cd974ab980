"""Erasure of a person's data from lot histories, on the person's request (Decree 13/2023, the
Law on Personal Data Protection 2025), carried out and recorded by an operator.

In schema-2 events a person's data is a salted commitment (``traceability.commitments``); its
salt and value are ``EventDisclosure`` rows. Erasing empties the salt and the value of every
row about the person and marks it erased: the event objects, their digests, the hash chains,
the Merkle proofs, the heads and the signatures do not change, and the bundle says "withheld
at the person's request" (``PROOF_FORMAT.md``, check 8). A household producer's coordinates
are also cleared from its lots. Schema-1 events wrote the data into the hashed object itself:
they cannot be erased without breaking their proofs, so they are counted and reported.

The person is an account (whoever recorded events: the actor's name, a phone number) or a
household producer (the household's name and the coordinates of its lots). Organisations'
names are not personal data and stay in clear.

The reads the operators' page needs (who matches a search, what we hold of a person) live here
beside the write, so the rules of "what is this person's data" are in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop import pagecache, roles
from shop.phones import normalise_phone
from traceability.models import BizStep, ErasureRequest, Event, EventDisclosure, Lot

Partner = get_model("partner", "Partner")

HOUSEHOLD = "household"  # shop.partner.models.ProducerKind (not imported: the graph has no cycle)
# RFC 8785 writes a member as it stands; a string that merely mentions it is escaped (\"), so
# these cannot match inside a value.
_SCHEMA_1 = '"schemaVersion":1'
_COORDINATES_V1 = '"latitude":'
_ILMD_STEPS = (BizStep.COMMISSIONING, BizStep.TRANSFORMING)


@dataclass(frozen=True, slots=True)
class PersonalData:
    """What the lot histories hold of one person."""

    values: int
    """Committed values whose salt and value we still keep (erasable)."""
    erased: int
    """Committed values already erased."""
    lots_with_coordinates: int
    """Lots of a household producer whose coordinates are on record (cleared by erasure)."""
    schema_1_events: int
    """Schema-1 events that name the person in the hashed object itself: they cannot be
    erased without breaking their proofs."""
    lots: int
    """Lots whose history holds any of the above."""


@dataclass(frozen=True, slots=True)
class Erasure:
    """What ``personal_data_erase`` did."""

    request: ErasureRequest
    values_erased: int
    lots_cleared: int
    schema_1_events: int


def _subject(user: Any, producer: Any) -> None:
    if (user is None) == (producer is None):
        raise ValidationError(_("Choose either an account or a household producer."))
    if producer is not None and producer.kind != HOUSEHOLD:
        raise ValidationError(
            _("Only a household's data is personal; a cooperative's or an enterprise's name stays.")
        )


def _disclosures(user: Any, producer: Any) -> QuerySet[EventDisclosure]:
    if user is not None:
        return EventDisclosure.objects.filter(subject_user=user)
    return EventDisclosure.objects.filter(subject_producer=producer)


def _schema_1_events(user: Any, producer: Any) -> QuerySet[Event]:
    events = Event.objects.filter(canonical__contains=_SCHEMA_1)
    if user is not None:
        return events.filter(actor=user)
    return events.filter(lot__producer=producer).filter(
        Q(biz_step__in=_ILMD_STEPS) | Q(canonical__contains=_COORDINATES_V1)
    )


def _lots_with_coordinates(producer: Any) -> QuerySet[Lot]:
    if producer is None:
        return Lot.objects.none()
    return Lot.objects.filter(producer=producer).filter(
        Q(latitude__isnull=False) | Q(longitude__isnull=False)
    )


def personal_data_held(*, user: Any = None, producer: Any = None) -> PersonalData:
    """What the lot histories hold of an account or a household producer."""
    _subject(user, producer)
    disclosures = _disclosures(user, producer)
    schema_1 = _schema_1_events(user, producer)
    located = _lots_with_coordinates(producer)
    lots = (
        set(disclosures.values_list("event__lot", flat=True))
        | set(schema_1.values_list("lot", flat=True))
        | set(located.values_list("pk", flat=True))
    )
    return PersonalData(
        values=disclosures.filter(erased_at__isnull=True).count(),
        erased=disclosures.filter(erased_at__isnull=False).count(),
        lots_with_coordinates=located.count(),
        schema_1_events=schema_1.count(),
        lots=len(lots),
    )


def erasure_subjects_find(*, query: str) -> tuple[list[Any], list[Any]]:
    """Accounts whose e-mail or phone number is ``query`` (exactly), and household producers
    whose name, code, e-mail or phone number matches it."""
    query = " ".join((query or "").split())
    if not query:
        return [], []
    try:
        phone = normalise_phone(query)
    except ValidationError:
        phone = None
    accounts = Q(email__iexact=query)
    households = Q(name__icontains=query) | Q(code__iexact=query) | Q(email__iexact=query)
    if phone:
        accounts |= Q(profile__phone=phone)
        households |= Q(phone=phone)
    users = get_user_model().objects.filter(accounts).distinct().order_by("email")[:20]
    producers = Partner.objects.filter(households, kind=HOUSEHOLD).order_by("name")
    return list(users), list(producers[:20])


def personal_data_erase(
    *,
    operator: Any,
    reference: str,
    reason: str,
    user: Any = None,
    producer: Any = None,
) -> Erasure:
    """Erase a person's data from every lot history, and record the request.

    Empties the salt and value of each disclosure about the person (already erased ones are
    left as they are), marks them erased by this request, and clears a household producer's
    lot coordinates. Returns what was done, including how many schema-1 events still name the
    person (nothing can be done about those without breaking their proofs).
    """
    if not roles.is_operator(operator):
        raise ValidationError(_("Only operators can erase personal data."))
    reference = " ".join((reference or "").split())
    if not reference:
        raise ValidationError({"reference": _("Give the reference of the person's request.")})
    if len(reference) > 100:
        raise ValidationError({"reference": _("A reference has at most 100 characters.")})
    _subject(user, producer)
    with transaction.atomic():
        pending = _disclosures(user, producer).filter(erased_at__isnull=True)
        ids = list(pending.select_for_update().values_list("pk", flat=True))
        request = ErasureRequest.objects.create(
            user=user,
            producer=producer,
            reference=reference,
            reason=(reason or "").strip(),
            operator=operator,
            values_erased=len(ids),
        )
        EventDisclosure.objects.filter(pk__in=ids).update(
            salt="", value=None, erased_at=timezone.now(), erasure=request
        )
        lots_cleared = _lots_with_coordinates(producer).update(latitude=None, longitude=None)
        # Lot pages and bundles showed the values: no cached copy may outlive them.
        pagecache.bump_generation_now_and_on_commit()
    return Erasure(
        request=request,
        values_erased=len(ids),
        lots_cleared=lots_cleared,
        schema_1_events=_schema_1_events(user, producer).count(),
    )
