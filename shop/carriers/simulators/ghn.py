"""The ghn simulator: its API paths and pages, mounted under /shipping/simulator/ghn/."""

urlpatterns: list = []
