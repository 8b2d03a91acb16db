"""call claims (the import run working on a call) and failed sign-ins (per-account limit)

Revision ID: b7c1e0f2a9d4
Revises: 5a46c4e977c5
Create Date: 2026-12-01 19:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b7c1e0f2a9d4"
down_revision: str | None = "5a46c4e977c5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns: SQLite adds them in place, no table rebuild.
    op.add_column(
        "call", sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True)
    )
    op.add_column(
        "call", sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )

    op.create_table(
        "failedsignin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_failedsignin_email"), "failedsignin", ["email"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_failedsignin_email"), table_name="failedsignin")
    op.drop_table("failedsignin")
    with op.batch_alter_table("call") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
