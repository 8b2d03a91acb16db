"""transcripts and metrics

Revision ID: 3e7ff359c617
Revises: 7d2a5bc15474
Create Date: 2026-11-23 06:59:54.939168
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "3e7ff359c617"
down_revision: str | None = "7d2a5bc15474"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("original_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)
        )
        batch_op.add_column(
            sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch_op.add_column(
            sa.Column("transcribed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("metrics", sa.JSON(), nullable=True))

    with op.batch_alter_table("segment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("words", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("text_unredacted", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("segment", schema=None) as batch_op:
        batch_op.drop_column("text_unredacted")
        batch_op.drop_column("words")

    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_column("metrics")
        batch_op.drop_column("transcribed_at")
        batch_op.drop_column("language")
        batch_op.drop_column("original_name")
