"""Benchmarks and reliability drills: run by hand, never part of the test run (bounded drills are)."""
