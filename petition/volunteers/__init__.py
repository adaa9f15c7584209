"""Joining the committee: a public form confirmed by mail, and the list the admins work from."""
