"""The public "sell with us" application."""

app_name = "onboarding"
urlpatterns: list = []
