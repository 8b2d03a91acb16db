"""Calls keep the path of their redacted audio: the recording with every redacted stretch
replaced by a tone, which is what everyone plays

Revision ID: f1b2c3d4e5a6
Revises: e4a7c2d91b30
Create Date: 2026-12-05 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "f1b2c3d4e5a6"
down_revision: str | None = "e4a7c2d91b30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call") as batch:
        batch.add_column(
            sa.Column("audio_path", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("call") as batch:
        batch.drop_column("audio_path")
