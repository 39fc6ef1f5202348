"""Accounts: token expiry, pending accounts, who created them; agency ids in one spelling.

Tokens issued before this revision expire 90 days after it. Agency ids become upper case in
accounts, plans and grants (a grant that only differed by case from another is dropped).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09 12:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.String(length=36), nullable=True))
    users = sa.table("users", sa.column("expires_at", sa.DateTime(timezone=True)))
    op.execute(users.update().values(expires_at=datetime.now(UTC) + timedelta(days=90)))
    op.execute(
        "DELETE FROM grants WHERE agency <> UPPER(agency) AND EXISTS (SELECT 1 FROM grants g "
        "WHERE g.plan_id = grants.plan_id AND g.agency = UPPER(grants.agency))"
    )
    for table in ("users", "plans", "grants"):
        op.execute(f"UPDATE {table} SET agency = UPPER(agency) WHERE agency <> UPPER(agency)")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("created_by")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("pending")
