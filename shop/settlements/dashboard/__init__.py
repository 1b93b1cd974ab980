"""Settlement statements in the dashboard: a producer's own (/dashboard/producer/statements/),
and every producer's for operators, who pay them (/dashboard/settlements/)."""
