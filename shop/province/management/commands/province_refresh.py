"""Rebuild the province dashboard's summary tables for a range of days."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shop.province import services


class Command(BaseCommand):
    help = "Rebuild the province dashboard's summaries (default: the recent days)."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=date.fromisoformat, help="first day, YYYY-MM-DD")
        parser.add_argument("--until", type=date.fromisoformat, help="last day (default today)")

    def handle(self, *args, since=None, until=None, **options):
        if since is None:
            done = services.summaries_refresh_recent()
        else:
            until = until or timezone.localdate()
            if until < since:
                raise CommandError("--until is before --since.")
            done = services.summaries_refresh(first=since, last=until)
        self.stdout.write(f"{done.first_day}…{done.last_day}: {done.seconds:.2f} s", ending="\n")
