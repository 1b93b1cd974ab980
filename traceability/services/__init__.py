"""Writes: lots, events, inspections, anchoring batches, keys, GTINs, scans and shipments.

One module per concern; ``from traceability import services`` reaches every service:

- :mod:`.gtin`: GTINs for products;
- :mod:`.lots`: lots and their append-only, hash-chained events;
- :mod:`.inspectors`: signing keys, signed inspections (which flag lots), accreditation;
- :mod:`.registry`: deploying the on-chain registry;
- :mod:`.anchoring`: the anchoring state machine (batches, leases, submissions);
- :mod:`.scans`: label scans and lot shipments;
- :mod:`.erasure`: erasing a person's data from lot histories, on their request;
- :mod:`.certificates`: certificates of products (signed, withdrawn) and the stars they show.

Rules kept here: nothing talks to the chain inside a database transaction; anchoring can be
resumed at any step after a crash.
"""

from traceability.services.anchoring import (
    batch_advance,
    batch_lease,
    batch_note_error,
    batch_open,
    batch_release,
    lease_seconds,
)
from traceability.services.certificates import (
    certificate_issue,
    certificate_revoke,
    certificates_sync,
    product_stars_sync,
)
from traceability.services.erasure import (
    erasure_subjects_find,
    personal_data_erase,
    personal_data_held,
)
from traceability.services.gtin import product_gtin_ensure, products_gtin_allocate
from traceability.services.inspectors import (
    MIN_PASSPHRASE_LENGTH,
    held_reports_expire,
    inspection_record,
    inspector_accredit,
    inspector_accreditation_queue,
    inspector_key_create,
    lab_report_file,
    lab_report_forget,
    lab_report_hold,
)
from traceability.services.lots import StoredFile, event_record, lot_create, lot_master_data
from traceability.services.registry import registry_deploy
from traceability.services.scans import (
    lot_scan_record,
    lot_shipment_record,
    lot_shipment_record_for_order,
)

__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "StoredFile",
    "batch_advance",
    "batch_lease",
    "batch_note_error",
    "batch_open",
    "batch_release",
    "erasure_subjects_find",
    "certificate_issue",
    "certificate_revoke",
    "certificates_sync",
    "event_record",
    "held_reports_expire",
    "inspection_record",
    "inspector_accredit",
    "inspector_accreditation_queue",
    "inspector_key_create",
    "lab_report_file",
    "lab_report_forget",
    "lab_report_hold",
    "lease_seconds",
    "lot_create",
    "lot_master_data",
    "lot_scan_record",
    "lot_shipment_record",
    "lot_shipment_record_for_order",
    "personal_data_erase",
    "personal_data_held",
    "product_gtin_ensure",
    "product_stars_sync",
    "products_gtin_allocate",
    "registry_deploy",
]
