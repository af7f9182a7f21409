"""a payment with a receipt stays recorded: registrations know whether one was issued

The door's "Undo payment" is refused once a receipt names the payment.
Every registration with a receipt is marked; all others are not. Every row
is kept.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'registrations', sa.Column('receipt_issued', sa.Boolean(), nullable=False, server_default=sa.false())
    )
    registrations = sa.table('registrations', sa.column('id', sa.Integer), sa.column('receipt_issued', sa.Boolean))
    receipts = sa.table('receipts', sa.column('registration_id', sa.Integer))
    op.execute(
        registrations.update()
        .where(registrations.c.id.in_(sa.select(receipts.c.registration_id)))
        .values(receipt_issued=sa.true())
    )


def downgrade():
    op.drop_column('registrations', 'receipt_issued')
