"""Outputs stored compactly: compressed, shared script libraries once (``blobs``), the page's
script hashes with it; versions count their bytes and when their operation ends (retention).

Outputs stored before this revision stay as they are (``encoding`` identity, no assets).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-09 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("encoding", sa.String(length=16), nullable=False, server_default="identity")
        )
        batch_op.add_column(sa.Column("assets", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("csp", sa.Text(), nullable=True))
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stored_bytes", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
    # What the versions already stored hold, so that quotas count them.
    op.execute(
        "UPDATE versions SET stored_bytes = LENGTH(scenario_json) + COALESCE(LENGTH(plan_json), 0)"
        " + COALESCE((SELECT SUM(LENGTH(a.content)) FROM artifacts a"
        " WHERE a.plan_id = versions.plan_id AND a.number = versions.number), 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_column("purged_at")
        batch_op.drop_column("ends_at")
        batch_op.drop_column("stored_bytes")
    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.drop_column("csp")
        batch_op.drop_column("assets")
        batch_op.drop_column("encoding")
    op.drop_table("blobs")
