"""The producers' pages in the dashboard: a producer's own shop (/dashboard/producer/), and the
operators' listing review (/dashboard/listings/) and producer access
(/dashboard/producer-access/)."""
