"""Time in one place: the database stores naive UTC, people see their zone."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)
