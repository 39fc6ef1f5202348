"""Indexes for rate limits counted in the audit log (by user, and by client address, over time).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Covering: the count reads the index only.
    op.create_index("ix_audit_user_at", "audit", ["user_id", "at", "status_code"])
    op.create_index("ix_audit_client_at", "audit", ["client", "at", "status_code", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_client_at", table_name="audit")
    op.drop_index("ix_audit_user_at", table_name="audit")
