"""The first schema: centres, ratings with revisions, completed dossiers, staff, devices, audit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from govindex.feedback.schema import (
    audit_log,
    centres,
    completed_dossiers,
    devices,
    ratings,
    staff_users,
    throttle_reports,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TABLES = (centres, ratings, completed_dossiers, staff_users, devices, audit_log, throttle_reports)

# The audit log is append-only: the database itself refuses to change or delete an entry.
_POSTGRESQL_GUARD = """
CREATE FUNCTION feedback_audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER feedback_audit_log_no_change BEFORE UPDATE OR DELETE ON feedback_audit_log
  FOR EACH ROW EXECUTE FUNCTION feedback_audit_log_append_only();
"""
_SQLITE_GUARDS = (
    """CREATE TRIGGER feedback_audit_log_no_update BEFORE UPDATE ON feedback_audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER feedback_audit_log_no_delete BEFORE DELETE ON feedback_audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
)


def upgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        table.create(bind)
    if bind.dialect.name == "postgresql":
        op.execute(_POSTGRESQL_GUARD)
    else:
        for statement in _SQLITE_GUARDS:
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(_TABLES):
        table.drop(bind)
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION feedback_audit_log_append_only()")
