"""The operators' side of payments, inside Oscar's dashboard at /dashboard/payments/."""
