from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from petition.extensions import db


class CountShard(db.Model):
    """One of several rows whose sum is the confirmed count of a petition in one country.

    A confirmation adds 1 to a random shard, so concurrent confirmations rarely wait on the
    same row, and reading the count sums a bounded number of rows whatever the number of
    signatures.
    """

    __tablename__ = "count_shards"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    total: Mapped[int] = mapped_column(default=0)
