"""canonical mailbox keys: recompute signatures' and comments' keys with provider aliases folded

Revision ID: 0007_canonical_mailbox
Revises: 0006_outbox_params
Create Date: 2026-11-29 16:00:00

Signatures of one petition whose addresses turn out to be one mailbox (karim.benali@gmail.com and
karimbenali@gmail.com) keep the earliest: the later ones are withdrawn, their personal data
erased as on a withdrawal, their count removed, and their key marked so that it never equals a
real one. Keys are computed with the application's own rule (petition.core.email), which is what
this migration exists to apply.
"""

import sqlalchemy as sa
from alembic import op

from petition.core.email import canonical_email

# revision identifiers, used by Alembic.
revision = "0007_canonical_mailbox"
down_revision = "0006_outbox_params"
branch_labels = None
depends_on = None

signatures = sa.table(
    "signatures",
    sa.column("id", sa.Integer),
    sa.column("petition_id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("email_canonical", sa.String),
    sa.column("status", sa.String),
    sa.column("flag_reason", sa.String),
    sa.column("country", sa.String),
    sa.column("created_dt", sa.DateTime),
    sa.column("withdrawn_dt", sa.DateTime),
    sa.column("first_name", sa.String),
    sa.column("last_name", sa.String),
    sa.column("city", sa.String),
    sa.column("reason", sa.String),
    sa.column("show_name", sa.Boolean),
    sa.column("wants_updates", sa.Boolean),
)
comments = sa.table(
    "comments", sa.column("id", sa.Integer), sa.column("email", sa.String), sa.column("email_canonical", sa.String)
)
count_shards = sa.table(
    "count_shards",
    sa.column("petition_id", sa.Integer),
    sa.column("country", sa.String),
    sa.column("shard", sa.Integer),
    sa.column("total", sa.Integer),
)


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            signatures.c.id,
            signatures.c.petition_id,
            signatures.c.email,
            signatures.c.email_canonical,
            signatures.c.status,
            signatures.c.flag_reason,
            signatures.c.country,
        ).order_by(signatures.c.created_dt, signatures.c.id)
    ).all()
    keepers: set[tuple[int, str]] = set()
    final: dict[int, str] = {}
    uncounted: list = []
    for row in rows:
        key = canonical_email(row.email)
        if (row.petition_id, key) not in keepers:
            keepers.add((row.petition_id, key))
        else:
            if row.status == "confirmed" and row.flag_reason is None:
                uncounted.append(row)
            key = f"{key[:220]}#duplicate-{row.id}"
        if key != row.email_canonical:
            final[row.id] = key

    # Two steps, so that no intermediate state breaks the unique (petition, key) index.
    for signature_id in final:
        bind.execute(
            signatures.update()
            .where(signatures.c.id == signature_id)
            .values(email_canonical=f"#migrating-{signature_id}")
        )
    now = sa.func.current_timestamp()
    for signature_id, key in final.items():
        values = {"email_canonical": key}
        if "#duplicate-" in key:
            values |= {
                "status": "withdrawn",
                "withdrawn_dt": now,
                "first_name": "",
                "last_name": "",
                "city": None,
                "reason": None,
                "show_name": False,
                "wants_updates": False,
            }
        bind.execute(signatures.update().where(signatures.c.id == signature_id).values(**values))
    for row in uncounted:
        shard = bind.execute(
            sa.select(count_shards.c.shard)
            .where(
                count_shards.c.petition_id == row.petition_id,
                count_shards.c.country == row.country,
                count_shards.c.total > 0,
            )
            .limit(1)
        ).scalar()
        if shard is not None:
            bind.execute(
                count_shards.update()
                .where(
                    count_shards.c.petition_id == row.petition_id,
                    count_shards.c.country == row.country,
                    count_shards.c.shard == shard,
                )
                .values(total=count_shards.c.total - 1)
            )

    for comment_id, email, key in bind.execute(
        sa.select(comments.c.id, comments.c.email, comments.c.email_canonical).where(comments.c.email.is_not(None))
    ).all():
        if canonical_email(email) != key:
            bind.execute(
                comments.update().where(comments.c.id == comment_id).values(email_canonical=canonical_email(email))
            )


def downgrade():
    # The earlier keys are not needed to run the earlier code: it recomputes a key per new
    # signature, and a withdrawn duplicate stays withdrawn.
    pass
