"""Operators review producer applications, inside the dashboard at /dashboard/applications/."""
