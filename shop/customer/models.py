"""Oscar's customer models, unchanged: the app is forked for its profile form (forms.py)."""

from oscar.apps.customer.models import *  # noqa: F403 (Oscar fork pattern)
