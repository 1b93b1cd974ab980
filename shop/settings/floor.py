"""Settings of the province's floor: personal data requests, the province dashboard's
summaries and the Ministry's registration notice (shop/settings/tax.py holds the tax withheld)."""

import os

# Personal data (shop/privacy, Decree 13/2023/NĐ-CP): a request (download, erasure, consent
# withdrawal) is answered within PRIVACY_REQUEST_DEADLINE_HOURS; erasures held back by an order
# on its way or an open complaint are tried again hourly.
PRIVACY_REQUEST_DEADLINE_HOURS = int(os.environ.get("PRIVACY_REQUEST_DEADLINE_HOURS", "72"))

# The province dashboard (shop/province): its summary tables are rebuilt for the last
# PROVINCE_REFRESH_DAYS days every PROVINCE_REFRESH_MINUTES (late payments, cancelled cash
# orders, deliveries and anchored lots change recent days); `manage.py province_refresh`
# rebuilds older ones.
PROVINCE_REFRESH_DAYS = int(os.environ.get("PROVINCE_REFRESH_DAYS", "35"))
PROVINCE_REFRESH_MINUTES = int(os.environ.get("PROVINCE_REFRESH_MINUTES", "10"))

# The floor's registration with the Ministry of Industry and Trade (Decree 52/2013/NĐ-CP as
# amended by Decree 85/2021/NĐ-CP: a trading floor registers its website and shows it). The
# footer shows the notice only when the number is set: "number" as the Ministry issued it,
# "url" its record on online.gov.vn, "badge" the address of the Ministry's badge image.
MOIT_REGISTRATION = {
    "number": os.environ.get("MOIT_REGISTRATION_NUMBER", ""),
    "url": os.environ.get("MOIT_REGISTRATION_URL", ""),
    "badge": os.environ.get("MOIT_REGISTRATION_BADGE", ""),
}
