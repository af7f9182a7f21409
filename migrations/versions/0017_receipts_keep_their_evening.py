"""receipts keep their evening: its title, date and time zone as issued

A copy of a receipt must read as the original did, even after the host
renames the evening. Each existing receipt gets its evening's title, local
date and time zone as they stand now, the best record there is of them.

The columns are added in place with a default, as SQLite cannot make a column
it adds NOT NULL otherwise, and every row is then filled from its evening, so
no receipt keeps a default. The app always writes all three. A zone this
machine's tzdata does not know (the app only ever stored known ones) is read
as Asia/Tokyo, the app's default. Every row is kept.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 14:00:00

"""
from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

DEFAULT_ZONE = 'Asia/Tokyo'


def upgrade():
    op.execute("ALTER TABLE receipts ADD COLUMN evening_title VARCHAR(120) DEFAULT '' NOT NULL")
    op.execute("ALTER TABLE receipts ADD COLUMN evening_on DATE DEFAULT '2000-01-01' NOT NULL")
    op.execute("ALTER TABLE receipts ADD COLUMN timezone VARCHAR(64) DEFAULT 'Asia/Tokyo' NOT NULL")
    receipts = sa.table(
        'receipts', sa.column('id', sa.Integer), sa.column('registration_id', sa.Integer),
        sa.column('evening_title', sa.String), sa.column('evening_on', sa.Date), sa.column('timezone', sa.String),
    )
    registrations = sa.table('registrations', sa.column('id', sa.Integer), sa.column('event_id', sa.Integer))
    events = sa.table(
        'events', sa.column('id', sa.Integer), sa.column('title', sa.String),
        sa.column('starts_at', sa.DateTime), sa.column('timezone', sa.String),
    )
    connection = op.get_bind()
    evenings = connection.execute(
        sa.select(receipts.c.id, events.c.title, events.c.starts_at, events.c.timezone)
        .join(registrations, registrations.c.id == receipts.c.registration_id)
        .join(events, events.c.id == registrations.c.event_id)
    ).all()
    for receipt_id, title, starts_at, zone in evenings:
        try:
            where = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            zone, where = DEFAULT_ZONE, ZoneInfo(DEFAULT_ZONE)
        # Stored naive UTC; the date the evening was held on where it was held.
        held_on = starts_at.replace(tzinfo=UTC).astimezone(where).date()
        connection.execute(
            receipts.update()
            .where(receipts.c.id == receipt_id)
            .values(evening_title=title, evening_on=held_on, timezone=zone)
        )


def downgrade():
    for column in ('timezone', 'evening_on', 'evening_title'):
        op.drop_column('receipts', column)
