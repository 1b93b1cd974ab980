"""Official units for the address forms' ward picker, mounted at /shipping/units/."""

from django.urls import path

from shop.address import views

app_name = "units"

urlpatterns = [
    path("<int:province_code>/wards.json", views.province_wards, name="province-wards"),
]
