"""Tax the floor withholds (shop/settlements/TAX.md); every rate and threshold is here."""

import os
from decimal import Decimal

# Tax the floor withholds for household and individual sellers (Decree 117/2025/NĐ-CP, in force
# 1 July 2025; shop/settlements/TAX.md): on each successful, paid sale of a withheld kind of
# producer, VAT and PIT at the rates of the activity, whole đồng half-up per line; a refund
# gives them back in the period it happens. Cooperatives and enterprises file for themselves.
# The first day withheld (ISO date, local calendar).
TAX_WITHHOLDING_START = os.environ.get("TAX_WITHHOLDING_START", "2025-07-01")
TAX_WITHHELD_KINDS = ("household",)
# Rates on revenue per activity (Decree 117/2025/NĐ-CP; shop/settlements/TAX.md cites them):
# VAT, PIT of a resident, PIT of a non-resident.
TAX_WITHHOLDING_RATES = {
    "goods": {"vat": Decimal("0.01"), "pit": Decimal("0.005"), "pit_non_resident": Decimal("0.01")},
    "services": {
        "vat": Decimal("0.05"),
        "pit": Decimal("0.02"),
        "pit_non_resident": Decimal("0.05"),
    },
    "transport": {
        "vat": Decimal("0.03"),
        "pit": Decimal("0.015"),
        "pit_non_resident": Decimal("0.02"),
    },
}
# What the floor's producers sell: farm and craft goods.
TAX_WITHHOLDING_ACTIVITY = os.environ.get("TAX_WITHHOLDING_ACTIVITY", "goods")
# A seller's revenue on the floor in a calendar year up to which nothing is withheld; 0 (the
# decree's rule) withholds on every sale. The 2026 exemption threshold for households (raised
# from 100 to 200 and then 500 million đồng a year in the drafts debated) is set here if the
# law makes the floor apply it.
TAX_WITHHOLDING_ANNUAL_THRESHOLD = Decimal(os.environ.get("TAX_WITHHOLDING_ANNUAL_THRESHOLD", "0"))
# Who withholds: printed on the declaration and on the sellers' certificates.
TAX_WITHHOLDING_AGENT = {
    "NAME": os.environ.get("TAX_AGENT_NAME", "Sàn thương mại điện tử Chợ Phiên"),
    "TAX_ID": os.environ.get("TAX_AGENT_TAX_ID", ""),
    "ADDRESS": os.environ.get("TAX_AGENT_ADDRESS", ""),
}
