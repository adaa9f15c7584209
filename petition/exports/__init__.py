"""Handing the signatures over: the CSV, the delivery dossier (PDF) and the public counts."""
