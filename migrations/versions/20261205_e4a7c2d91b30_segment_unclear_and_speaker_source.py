"""Segments mark speech that could not be transcribed and say where their speaker came from
(the channel, or inferred on a mono call) with a confidence; calls keep what diarization said

Revision ID: e4a7c2d91b30
Revises: c3d9a1e4b6f7
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e4a7c2d91b30"
down_revision: str | None = "c3d9a1e4b6f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("segment") as batch:
        batch.add_column(sa.Column("unclear", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column(
                "speaker_source",
                sqlmodel.sql.sqltypes.AutoString(length=8),
                nullable=False,
                server_default="channel",
            )
        )
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=True))
    with op.batch_alter_table("call") as batch:
        batch.add_column(
            sa.Column("speaker_note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("call") as batch:
        batch.drop_column("speaker_note")
    with op.batch_alter_table("segment") as batch:
        batch.drop_column("confidence")
        batch.drop_column("speaker_source")
        batch.drop_column("unclear")
