"""The feedback store's tables (SQLAlchemy Core), as the migrations leave them.

Units are keyed by the codes the one-stop catalogue uses (agency and procedure codes, as
strings), so ratings meet dossiers without translation. Times are stored in UTC.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "audit_log",
    "centres",
    "completed_dossiers",
    "devices",
    "metadata",
    "ratings",
    "staff_sessions",
    "staff_users",
    "throttle_counts",
    "throttle_reports",
]

metadata = MetaData()

centres = Table(
    "feedback_centres",
    metadata,
    Column("agency_code", String(64), primary_key=True),
    Column("province_code", String(16), nullable=False, index=True),
    Column("name_vi", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("address", Text, nullable=False, server_default=""),
    Column("form_key", String(64), nullable=False),
)

ratings = Table(
    "feedback_ratings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", String(64), nullable=False, unique=True),
    Column("province_code", String(16), nullable=False),
    Column("agency_code", String(64), nullable=False),
    Column("desk", String(64), nullable=False),
    Column("procedure_code", String(64), nullable=False),
    Column("dossier_code", String(64), nullable=True),
    Column("revision", Integer, nullable=False),
    Column("superseded", Boolean, nullable=False, server_default="0"),
    Column("channel", String(16), nullable=False),
    Column("form_key", String(64), nullable=False),
    Column("overall", Integer, nullable=False),
    Column("criteria", Text, nullable=False),
    Column("comment", Text, nullable=True),
    Column("flagged", Boolean, nullable=False, server_default="0"),
    Column("followed_up", Boolean, nullable=False, server_default="0"),
    Column("phone_hash", String(64), nullable=True),
    Column("device", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    UniqueConstraint(
        "agency_code", "dossier_code", "revision", name="uq_feedback_dossier_revision"
    ),
)

completed_dossiers = Table(
    "feedback_completed_dossiers",
    metadata,
    Column("agency_code", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("completed", Integer, nullable=False),
)

staff_users = Table(
    "feedback_staff_users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("province_code", String(16), nullable=True),
    Column("agency_code", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

devices = Table(
    "feedback_devices",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("agency_code", String(64), nullable=False),
    Column("label", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "feedback_audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", Text, nullable=False),
    Column("detail", Text, nullable=False),
)

throttle_reports = Table(
    "feedback_throttle_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("key", String(128), nullable=False),
    Column("agency_code", String(64), nullable=True),
    Column("refused", Integer, nullable=False),
)

# Added by migration 0002.

staff_sessions = Table(
    "feedback_staff_sessions",
    metadata,
    # Only a digest of the session id is kept: a copy of this table opens no session.
    Column("id_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
)

throttle_counts = Table(
    "feedback_throttle_counts",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("key", String(160), primary_key=True),
    Column("window", Integer, primary_key=True, autoincrement=False),
    Column("allowed", Integer, nullable=False),
    Column("refused", Integer, nullable=False),
)
