from oscar.apps.basket.admin import *  # noqa: F403 (Oscar fork pattern)
