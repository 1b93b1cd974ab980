"""Operators' catalogue pages of our own (Oscar's are forked in shop/dashboard/)."""
