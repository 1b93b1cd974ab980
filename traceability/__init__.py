"""Traceability of Chợ Phiên lots: canonical events, Merkle batches and on-chain anchors."""
