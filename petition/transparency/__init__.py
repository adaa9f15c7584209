"""A count anyone can verify: receipts, the public log of the count's events, signed checkpoints."""
