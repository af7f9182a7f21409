"""the mail loop: what each attendee has been sent after publishing and after
the evening, mail a person turned off, and what an outbox message carries
besides its text

Every column is new and nullable, added in place; existing rows keep all
their data (a NULL stamp means "not sent yet", which is true of them).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

REGISTRATION_STAMPS = ('tables_mailed_at', 'meet_again_prompted_at', 'meet_again_saved_at', 'last_call_sent_at')


def upgrade():
    for column in REGISTRATION_STAMPS:
        op.add_column('registrations', sa.Column(column, sa.DateTime(), nullable=True))
    op.add_column('outbox_messages', sa.Column('calendar', sa.Text(), nullable=True))
    op.add_column('outbox_messages', sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))
    op.create_table(
        'mail_opt_outs',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=30), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_opt_outs_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'topic', name=op.f('pk_mail_opt_outs')),
    )


def downgrade():
    op.drop_table('mail_opt_outs')
    op.drop_column('outbox_messages', 'unsubscribe_url')
    op.drop_column('outbox_messages', 'calendar')
    for column in reversed(REGISTRATION_STAMPS):
        op.drop_column('registrations', column)
