"""Reliability drills: crowd, crash, mail outage. Each prints one summary line and fails on a loss or a 5xx."""
