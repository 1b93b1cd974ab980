"""The viettelpost simulator: its API paths and pages, mounted under /shipping/simulator/viettelpost/."""

urlpatterns: list = []
