"""Staff accounts (moderators and admins): login, roles, the back-office dashboard."""
