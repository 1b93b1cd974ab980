"""The producer's orders to ship, inside the dashboard at /dashboard/producer/orders/."""
