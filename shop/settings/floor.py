"""Settings of the province's floor: personal data requests, the province dashboard's
summaries and the Ministry's registration notice (shop/settings/tax.py holds the tax withheld)."""

import os

# Personal data (shop/privacy, Decree 13/2023/NĐ-CP): a request (download, erasure, consent
# withdrawal) is answered within PRIVACY_REQUEST_DEADLINE_HOURS; erasures held back by an order
# on its way or an open complaint are tried again hourly.
PRIVACY_REQUEST_DEADLINE_HOURS = int(os.environ.get("PRIVACY_REQUEST_DEADLINE_HOURS", "72"))
# The retention table (the privacy page), applied daily by shop/privacy/retention.py: consents
# and handled requests kept 5 years after withdrawal or handling; sign-in records (django-axes)
# and the lots' scan digests 90 days; complaint photos 3 years after the complaint closed.
PRIVACY_RECORDS_KEEP_YEARS = int(os.environ.get("PRIVACY_RECORDS_KEEP_YEARS", "5"))
SECURITY_LOGS_KEEP_DAYS = int(os.environ.get("SECURITY_LOGS_KEEP_DAYS", "90"))
PRIVACY_COMPLAINT_PHOTOS_KEEP_YEARS = int(
    os.environ.get("PRIVACY_COMPLAINT_PHOTOS_KEEP_YEARS", "3")
)

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
