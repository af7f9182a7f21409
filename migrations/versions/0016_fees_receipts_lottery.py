"""money and fairness: a note beside an evening's fee, a community's issuer
details for receipts (領収書) with its qualified-invoice number, the receipts
themselves, numbered per community, and registration by lottery (抽選)

Every new column of ``events`` and ``communities`` is added in place with a
default, so every existing evening stays first-come with no fee note, and
every community has no issuer details and has issued no receipt yet.
``registrations`` gains the status "applied" (a lottery application before
its draw) and the place each applicant was drawn at; the status check is
widened in place on both databases. Every row is kept.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

STATUSES = "status IN ('confirmed', 'waitlisted', 'cancelled', 'applied')"
OLD_STATUSES = "status IN ('confirmed', 'waitlisted', 'cancelled')"


def upgrade():
    # Column constraints, in place: SQLite cannot add a table constraint to an existing table.
    op.execute("ALTER TABLE events ADD COLUMN fee_note VARCHAR(100) DEFAULT '' NOT NULL")
    op.execute(
        "ALTER TABLE events ADD COLUMN admission VARCHAR(12) DEFAULT 'first-come' NOT NULL "
        "CONSTRAINT ck_events_admission CHECK (admission IN ('first-come', 'lottery'))"
    )
    op.add_column('events', sa.Column('draw_at', sa.DateTime(), nullable=True))
    op.add_column('events', sa.Column('drawn_at', sa.DateTime(), nullable=True))
    op.add_column('events', sa.Column('draw_seed', sa.String(length=64), nullable=True))

    op.execute("ALTER TABLE communities ADD COLUMN issuer_name VARCHAR(100) DEFAULT '' NOT NULL")
    op.execute("ALTER TABLE communities ADD COLUMN issuer_address VARCHAR(300) DEFAULT '' NOT NULL")
    op.execute(
        "ALTER TABLE communities ADD COLUMN invoice_number VARCHAR(14) "
        "CONSTRAINT ck_communities_invoice_number CHECK (invoice_number IS NULL OR length(invoice_number) = 14)"
    )
    op.execute(
        "ALTER TABLE communities ADD COLUMN receipts_issued INTEGER DEFAULT 0 NOT NULL "
        "CONSTRAINT ck_communities_receipts_issued CHECK (receipts_issued >= 0)"
    )

    op.add_column('registrations', sa.Column('draw_position', sa.Integer(), nullable=True))
    _replace_status_check(OLD_STATUSES, STATUSES)

    op.create_table(
        'receipts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('addressee', sa.String(length=100), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('tax_rate', sa.Integer(), nullable=False),
        sa.Column('tax', sa.Integer(), nullable=False),
        sa.Column('paid_at', sa.DateTime(), nullable=False),
        sa.Column('issuer_name', sa.String(length=100), nullable=False),
        sa.Column('issuer_address', sa.String(length=300), nullable=False),
        sa.Column('invoice_number', sa.String(length=14), nullable=True),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('times_issued', sa.Integer(), nullable=False),
        sa.CheckConstraint('amount > 0', name=op.f('ck_receipts_amount')),
        sa.CheckConstraint('number >= 1', name=op.f('ck_receipts_number')),
        sa.CheckConstraint('tax >= 0 AND tax < amount', name=op.f('ck_receipts_tax')),
        sa.CheckConstraint('times_issued >= 1', name=op.f('ck_receipts_times_issued')),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_receipts_community_id_communities')),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_receipts_registration_id_registrations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
        sa.UniqueConstraint('community_id', 'number', name=op.f('uq_receipts_community_id_number')),
        sa.UniqueConstraint('registration_id', name=op.f('uq_receipts_registration_id')),
    )


def downgrade():
    op.drop_table('receipts')
    registrations = sa.table('registrations', sa.column('status', sa.String))
    # An application that was never drawn is withdrawn: the old schema has no such state.
    op.execute(registrations.update().where(registrations.c.status == 'applied').values(status='cancelled'))
    _replace_status_check(STATUSES, OLD_STATUSES)
    op.drop_column('registrations', 'draw_position')
    # SQLite (3.35+) drops a column in place with the CHECK written on it.
    for column in ('receipts_issued', 'invoice_number', 'issuer_address', 'issuer_name'):
        op.drop_column('communities', column)
    for column in ('draw_seed', 'drawn_at', 'draw_at', 'admission', 'fee_note'):
        op.drop_column('events', column)


def _replace_status_check(old: str, new: str) -> None:
    """PostgreSQL swaps the constraint. SQLite cannot alter a CHECK, and a rebuild
    would turn the column constraints 0011 added into table constraints that
    block its downgrade; so the table's definition is edited in place, SQLite's
    documented way for a change that leaves every stored row valid
    (https://www.sqlite.org/lang_altertable.html, "otheralter")."""
    if op.get_context().dialect.name != "sqlite":
        op.drop_constraint(op.f('ck_registrations_status'), 'registrations', type_='check')
        op.create_check_constraint(op.f('ck_registrations_status'), 'registrations', sa.text(new))
        return
    connection = op.get_bind()
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    changed = connection.exec_driver_sql(
        "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'registrations'",
        (old, new),
    ).rowcount
    connection.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema = OFF")
    assert changed == 1 and connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
