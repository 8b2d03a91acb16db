"""Written conversations: a call row says its channel (call, chat, email, social) and the
hashed reference of the customer; a team chooses the scorecard of its written conversations

Revision ID: c3e5a7b9d1f4
Revises: b8d2f0a4c6e1
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3e5a7b9d1f4"
down_revision: str | None = "b8d2f0a4c6e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(length=8), nullable=False, server_default="call")
        )
        batch.add_column(sa.Column("customer_ref", sa.String(length=64), nullable=True))
        batch.create_index("ix_call_channel", ["channel"])
        batch.create_index("ix_call_customer_ref", ["customer_ref"])
    with op.batch_alter_table("team") as batch:
        batch.add_column(
            sa.Column(
                "written_scorecard",
                sa.String(length=120),
                nullable=False,
                server_default="written",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("team") as batch:
        batch.drop_column("written_scorecard")
    with op.batch_alter_table("call") as batch:
        batch.drop_index("ix_call_customer_ref")
        batch.drop_index("ix_call_channel")
        batch.drop_column("customer_ref")
        batch.drop_column("channel")
