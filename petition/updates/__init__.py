"""News of the case written by admins: drafts, publication, per-language text, feeds."""
