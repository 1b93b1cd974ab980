"""Complaints' tasks: carrying a decided remedy out, deadlines, e-mails. Tasks take ids."""

from celery import shared_task


@shared_task(name="complaints.remedy_execute")
def remedy_execute(*, complaint_id: int) -> str:
    """Carry the complaint's decided remedy out (`shop.complaints.remedies.remedy_execute`)."""
    from shop.complaints import remedies

    return remedies.remedy_execute(complaint_id=complaint_id)


@shared_task(name="complaints.track_parcels")
def track_parcels() -> dict:
    """Ask the carriers where the complaints' return and replacement parcels are."""
    from shop.complaints import remedies

    return remedies.parcels_track()
