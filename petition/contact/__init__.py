"""Contact the committee: a public form, its messages kept for the admins, and a mail to them."""
