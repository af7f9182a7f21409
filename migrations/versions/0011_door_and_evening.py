"""the door and the evening: tickets, walk-ins, payment at the door, the fee,
and when each round started

Every registration made before this revision gets its ticket code now, so
everyone already holding a seat can be scanned in.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 09:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# Same alphabet and length as meetup.events.tickets.new_ticket_code.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_LENGTH = 10


def _code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))


# Columns are added in place, their CHECKs written inline (both databases take
# that form): a batch copy of the table would, on SQLite, drop the old table and
# with it, by ON DELETE CASCADE, every row that refers to it.
def upgrade():
    op.execute(
        "ALTER TABLE events ADD COLUMN fee_yen INTEGER DEFAULT 0 NOT NULL CONSTRAINT ck_events_fee_yen CHECK (fee_yen >= 0)"
    )
    op.add_column('registrations', sa.Column('ticket_code', sa.String(length=16), nullable=True))
    op.add_column('registrations', sa.Column('walk_in', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('registrations', sa.Column('beyond_capacity', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('registrations', sa.Column('paid_at', sa.DateTime(), nullable=True))
    op.execute(
        "ALTER TABLE registrations ADD COLUMN paid_amount INTEGER "
        "CONSTRAINT ck_registrations_paid_amount CHECK (paid_amount IS NULL OR paid_amount >= 0)"
    )
    op.execute(
        "ALTER TABLE registrations ADD COLUMN payment_method VARCHAR(12) CONSTRAINT ck_registrations_payment_method "
        "CHECK (payment_method IS NULL OR payment_method IN ('cash', 'other'))"
    )

    registrations = sa.table('registrations', sa.column('id', sa.Integer), sa.column('ticket_code', sa.String))
    connection = op.get_bind()
    for registration_id in connection.execute(sa.select(registrations.c.id)).scalars().all():
        connection.execute(
            registrations.update().where(registrations.c.id == registration_id).values(ticket_code=_code())
        )
    op.create_index('ix_registrations_ticket_code', 'registrations', ['ticket_code'], unique=True)

    op.create_table(
        'round_starts',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('round >= 0', name=op.f('ck_round_starts_round')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_round_starts_event_id_events'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_round_starts_started_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('event_id', 'round', name=op.f('pk_round_starts')),
    )


def downgrade():
    op.drop_table('round_starts')
    op.drop_index('ix_registrations_ticket_code', table_name='registrations')
    for column in ('payment_method', 'paid_amount', 'paid_at', 'beyond_capacity', 'walk_in', 'ticket_code'):
        op.drop_column('registrations', column)
    op.drop_column('events', 'fee_yen')
