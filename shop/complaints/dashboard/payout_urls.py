"""Operators' complaint payouts, at /dashboard/complaint-payouts/."""

from django.urls import path

from shop.complaints.dashboard import payouts

app_name = "complaint-payouts"
urlpatterns = [
    path("", payouts.payout_list, name="list"),
    path("<int:pk>/record/", payouts.payout_record, name="record"),
    path("<int:pk>/retry/", payouts.remedy_retry, name="retry"),
]
