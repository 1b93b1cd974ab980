from django.urls import path

from payments.dashboard import views

app_name = "payments-dashboard"
urlpatterns = [
    path("", views.attempt_list, name="attempt-list"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt-detail"),
    path("attempts/<int:pk>/refund/", views.attempt_refund, name="attempt-refund"),
    path("attempts/<int:pk>/review/", views.attempt_review_close, name="attempt-review-close"),
    path("orders/<str:number>/cash-collected/", views.cash_collected, name="cash-collected"),
    path("transfers/", views.transfer_list, name="transfer-list"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer-detail"),
    path("transfers/<int:pk>/confirm/", views.transfer_confirm, name="transfer-confirm"),
    path("transfers/<int:pk>/dismiss/", views.transfer_dismiss, name="transfer-dismiss"),
    path("calls/", views.call_list, name="call-list"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
]
