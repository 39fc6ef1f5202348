"""Versions made by an event keep the context the event decided (``replan_json``).

Until now such a version stored the scenario it was reported on and its worker applied the event
again. From here on the new scenario is stored when the event is reported, with its context, and
the worker only plans it. An event version still waiting from before cannot be planned the new
way (it has no context): it is failed with a reason, and the event can be reported again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replan_json", sa.Text(), nullable=True))
    op.execute(
        "UPDATE versions SET status = 'failed', error_code = 'event_not_replanned', "
        "error_message = 'queued before an upgrade of the service: report the event again', "
        "lease_expires_at = NULL, finished_at = CURRENT_TIMESTAMP "
        "WHERE event_json IS NOT NULL AND status IN ('queued', 'running')"
    )


def downgrade() -> None:
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_column("replan_json")
