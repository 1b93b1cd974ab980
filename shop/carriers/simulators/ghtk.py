"""The ghtk simulator: its API paths and pages, mounted under /shipping/simulator/ghtk/."""

urlpatterns: list = []
