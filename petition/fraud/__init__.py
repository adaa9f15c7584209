"""The back office against fraud: flagged signatures, bulk invalidation, bans, block lists, alerts."""
