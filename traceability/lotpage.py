"""What the public lot page shows, read from the verified bundle: the plain facts a shopper
asks first (who grew it, where, when, who inspected it, is the history complete) and the
history's items. Values come from the events as the bundle carries them, disclosures applied: a
commitment left in place is a value withheld at the person's request (``PROOF_FORMAT.md``,
check 8), shown as such and never as its hash."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.utils.translation import gettext as _

from traceability.commitments import is_commitment, with_disclosures
from traceability.completeness import STOPS_EARLY, Completeness
from traceability.models import BizStep, Event, Lot
from traceability.proofs import EventVerdict, Status

__all__ = ["Inspection", "PlainFacts", "Shown", "TimelineItem", "completeness_of", "plain_facts"]


@dataclass(frozen=True)
class Shown:
    """A value of an event as the page may show it: the value, or withheld."""

    value: Any = None
    withheld: bool = False

    @classmethod
    def of(cls, value: Any) -> Shown:
        return cls(withheld=True) if is_commitment(value) else cls(value=value)

    def __bool__(self) -> bool:
        return self.withheld or bool(self.value)

    def __str__(self) -> str:
        if self.withheld:
            return _("withheld at the person's request")
        return "" if self.value is None else str(self.value)


@dataclass
class TimelineItem:
    event: Event
    payload: dict[str, Any]
    verdict: EventVerdict | None
    anchor: dict[str, Any] | None
    corrects: int | None = None
    """The position of the earlier event this one corrects."""
    corrected_by: list[int] = field(default_factory=list)
    """The positions of later events that correct this one."""

    @classmethod
    def unverified(cls, event: Event) -> TimelineItem:
        """An event read from the database alone (for pages that do not verify), disclosures
        applied."""
        disclosures = [d.as_json() for d in event.disclosures.all()]
        return cls(
            event=event,
            payload=with_disclosures(event.payload, disclosures),
            verdict=None,
            anchor=None,
        )

    @property
    def step_label(self) -> str:
        return BizStep(self.event.biz_step).label

    @property
    def actor_name(self) -> Shown:
        return Shown.of((self.payload.get("chophien:actor") or {}).get("name"))

    @property
    def actor(self) -> dict[str, str]:
        """The actor with its name as words (withheld, or the name)."""
        actor = dict(self.payload.get("chophien:actor") or {})
        if actor:
            actor["name"] = str(self.actor_name)
        return actor

    @property
    def geo(self) -> Shown:
        """The event's coordinates (``{"latitude", "longitude"}``), when it has them."""
        location = self.payload.get("bizLocation") or {}
        if "chophien:geo" in location:  # schema 2, clear or committed
            return Shown.of(location["chophien:geo"])
        if "latitude" in location and "longitude" in location:  # schema 1
            point = {"latitude": location["latitude"], "longitude": location["longitude"]}
            return Shown(value=point)
        return Shown()

    @property
    def details(self) -> str:
        return self.payload.get("chophien:details", "")

    @property
    def result(self) -> str:
        return (self.payload.get("chophien:inspection") or {}).get("result", "")

    @property
    def withheld(self) -> list[str]:
        return self.verdict.withheld if self.verdict else []

    @property
    def anchored_at(self) -> datetime | None:
        if self.verdict and self.verdict.anchored_at:
            return datetime.fromtimestamp(self.verdict.anchored_at, tz=UTC)
        return None

    @property
    def status(self) -> str:
        return self.verdict.status.value if self.verdict else Status.TAMPERED.value


def timeline(check: Any) -> list[TimelineItem]:
    """The history's items of a ``selectors.LotCheck``, disclosures applied, corrections linked."""
    items = []
    for index, event in enumerate(check.events):
        item = check.bundle["events"][index]
        payload = item["event"]
        if isinstance(payload, dict) and item.get("disclosures"):
            payload = with_disclosures(payload, item["disclosures"])
        items.append(
            TimelineItem(
                event=event,
                payload=payload if isinstance(payload, dict) else {},
                verdict=check.verdict.events[index] if index < len(check.verdict.events) else None,
                anchor=item["anchor"],
            )
        )
    by_id = {item.event.event_id: item for item in items}
    for item in items:
        correction = item.payload.get("chophien:correction")
        corrected = by_id.get(correction.get("eventID")) if isinstance(correction, dict) else None
        if corrected is not None and corrected.event.seq < item.event.seq:
            item.corrects = corrected.event.seq
            corrected.corrected_by.append(item.event.seq)
    return items


def completeness_of(check: Any) -> Completeness | None:
    """The completeness outcome of a lot check: ``check.completeness`` where the check has it,
    else the verdict's; ``None`` when completeness was not checked."""
    value = getattr(check, "completeness", None)
    if value is None:
        value = getattr(check.verdict, "completeness", None)
    value = getattr(value, "value", value)
    try:
        return Completeness(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Inspection:
    seq: int
    when: datetime
    inspector: Shown
    result: str
    accredited: bool | None
    corrected: bool


@dataclass(frozen=True)
class PlainFacts:
    """The answers a shopper looks for first."""

    grower: Shown
    grower_kind: str
    grower_url: str
    place: str
    geo: Shown
    harvested: date
    inspections: list[Inspection]
    completeness: Completeness | None
    problems: list[str] = field(default_factory=list)

    @property
    def completeness_words(self) -> str:
        """Completeness in a shopper's words ("" when it was not checked)."""
        if self.completeness is Completeness.COMPLETE:
            return _("Complete history: no record written to the ledger is missing.")
        if self.completeness is Completeness.NOT_PROVABLE:
            return _(
                "This lot's records were written to the ledger before histories could be proved "
                "complete; each record is still checked."
            )
        if self.completeness is Completeness.UNCHECKED:
            return _("Whether this history is complete will be checked again shortly.")
        if self.completeness is Completeness.INCOMPLETE:
            if STOPS_EARLY in self.problems:
                return _("Records are missing: this history stops before its last anchored event.")
            return _("This history does not match what the ledger recorded for this lot.")
        return ""

    @property
    def map_url(self) -> str:
        if self.geo.withheld or not isinstance(self.geo.value, dict):
            return ""
        lat, lon = self.geo.value.get("latitude"), self.geo.value.get("longitude")
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=15/{lat}/{lon}"

    @property
    def passed(self) -> list[Inspection]:
        return [i for i in self.inspections if i.result == "pass" and not i.corrected]


def plain_facts(
    *,
    lot: Lot,
    items: list[TimelineItem],
    completeness: Completeness | None,
    problems: list[str] = (),
) -> PlainFacts:
    """The plain answers, from the commissioning event (as hashed) and the inspections."""
    first = items[0] if items else None
    ilmd = (first.payload.get("ilmd") or {}) if first else {}
    producer = ilmd.get("chophien:producer") or {}
    grower = Shown.of(producer["name"]) if "name" in producer else Shown(lot.producer.name)
    inspections = [
        Inspection(
            seq=item.event.seq,
            when=item.event.event_time,
            inspector=item.actor_name,
            result=item.result,
            accredited=item.verdict.signer_accredited if item.verdict else None,
            corrected=bool(item.corrected_by),
        )
        for item in items
        if item.event.biz_step == BizStep.INSPECTING
    ]
    return PlainFacts(
        grower=grower,
        grower_kind=producer.get("kind") or lot.producer.kind,
        grower_url="" if grower.withheld else lot.producer.get_absolute_url(),
        place=f"{lot.origin_ward_name}, {lot.origin_province_name}",
        geo=first.geo if first else Shown(),
        harvested=lot.production_date,
        inspections=inspections,
        completeness=completeness,
        problems=list(problems),
    )
