"""Dates as each language writes them (``FORMAT_MODULE_PATH``): Vietnamese day first,
``06/12/2026``; English with the month's name, ``6 Dec 2026``, never the ambiguous 12/06/2026.
Times are 24-hour in both, so no "p.m." runs into a sentence's full stop."""
