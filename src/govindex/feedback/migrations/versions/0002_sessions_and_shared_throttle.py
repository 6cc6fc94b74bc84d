"""Server-side staff sessions (revoked at sign-out) and throttle counts shared by processes.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

from govindex.feedback.schema import staff_sessions, throttle_counts

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TABLES = (staff_sessions, throttle_counts)


def upgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(_TABLES):
        table.drop(bind)
