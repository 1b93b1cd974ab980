from django.urls import path

from shop.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.account, name="account"),
    path("data.json", views.data_json, name="data-json"),
    path("data.pdf", views.data_pdf, name="data-pdf"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("erasure/", views.erasure_ask, name="erasure"),
    path("guest/<str:number>/<str:order_hash>/", views.guest_erasure, name="guest-erasure"),
]
