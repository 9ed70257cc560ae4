"""The audit log: who did what to which record, and when (PDPA asks for it).

``record`` inserts a row in the current transaction; it commits with the change it
describes, so a rolled-back change leaves no log line and a logged change is never lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys.db import UTCDateTime, db, utcnow


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: a dotted verb: "volunteer.view_full", "checkin.undo", "user.login_failed"
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[str] = mapped_column(String(40), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor = relationship("User")


def record(
    session,
    *,
    actor,
    action: str,
    target: Any = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Log ``action`` by ``actor`` (a User, a user id or None) on ``target`` in the current transaction.

    ``target`` is a model object or a ``(table name, id)`` pair. One INSERT, no unit of
    work: the door's check-ins log every scan.
    """
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        target_type = type(target).__tablename__ if hasattr(target, "__tablename__") else ""
        target_id = getattr(target, "id", "")
    session.connection().execute(
        _INSERT,
        {
            "actor_id": actor if isinstance(actor, int) or actor is None else actor.id,
            "action": action,
            "target_type": target_type,
            "target_id": str(target_id or ""),
            "details": details or {},
            "created_at": now or utcnow(),
        },
    )


_INSERT = AuditLog.__table__.insert()
