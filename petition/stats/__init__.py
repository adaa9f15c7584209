"""Numbers for the committee: where the signatures and comments come from, as charts and tables."""
