"""outbox claims: a stable Message-ID, a worker's lease, set-aside messages

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 18:17:40.700784

"""
import uuid
from email.utils import parseaddr

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _give_existing_messages_an_id():
    """<outbox-ID.RUN@DOMAIN>: unique per row (its id) and per database (RUN,
    drawn once here), in the sender's domain as new messages have it."""
    domain = parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2] or "meetup.localhost"
    outbox = sa.table('outbox_messages', sa.column('id', sa.Integer), sa.column('message_id', sa.String))
    op.execute(outbox.update().values(message_id=(
        sa.literal("<outbox-") + sa.cast(outbox.c.id, sa.String)
        + sa.literal(f".{uuid.uuid4().hex}@{domain}>"))))


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('set_aside_at', sa.DateTime(), nullable=True))
    _give_existing_messages_an_id()
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=320), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_messages_message_id'), ['message_id'])


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_messages_message_id'), type_='unique')
        batch_op.drop_column('set_aside_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('message_id')
