"""Operators unlock accounts the login throttle locked, at /dashboard/lockouts/."""
