"""community reach: followers of a community, when a new evening was
announced to them, the area an evening is in (for discovery), the messages
hosts write to an evening's attendees, and reports about such a message

Every column is new and nullable, added in place; every row is kept.
Evenings already published count as announced (their followers did not
exist yet), so upgrading never mails anyone about an old evening. An
evening with an online link and no venue is put in the area "online";
every other existing evening's area stays unknown until its host sets it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

SUBJECT_MAX = 120  # meetup.events.models.MESSAGE_SUBJECT_MAX


def upgrade():
    op.create_table(
        'community_followers',
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('followed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_community_followers_community_id_communities'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_community_followers_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('community_id', 'user_id', name=op.f('pk_community_followers')),
    )
    op.create_index(op.f('ix_community_followers_user_id'), 'community_followers', ['user_id'], unique=False)

    op.add_column('events', sa.Column('announced_at', sa.DateTime(), nullable=True))
    op.add_column('events', sa.Column('area', sa.String(length=8), nullable=True))
    events = sa.table(
        'events', sa.column('state', sa.String), sa.column('published_at', sa.DateTime),
        sa.column('created_at', sa.DateTime), sa.column('announced_at', sa.DateTime),
        sa.column('venue', sa.String), sa.column('online_url', sa.String), sa.column('area', sa.String),
    )
    op.execute(
        events.update()
        .where(events.c.state != 'draft')
        .values(announced_at=sa.func.coalesce(events.c.published_at, events.c.created_at))
    )
    op.execute(events.update().where(events.c.venue == '', events.c.online_url != '').values(area='online'))

    op.create_table(
        'host_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('sender_id', sa.Integer(), nullable=True),
        sa.Column('subject', sa.String(length=SUBJECT_MAX), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('include_waitlist', sa.Boolean(), nullable=False),
        sa.Column('recipient_count', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_host_messages_event_id_events'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_host_messages_sender_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_host_messages')),
    )
    op.create_index(op.f('ix_host_messages_event_id'), 'host_messages', ['event_id'], unique=False)
    # In place: a batch copy of reports on SQLite would drop the table and, by ON DELETE
    # CASCADE, every moderation action with it. No ON DELETE: a host message goes only
    # with its evening, and the evening's reports go with it too.
    op.execute(
        "ALTER TABLE reports ADD COLUMN host_message_id INTEGER "
        "CONSTRAINT fk_reports_host_message_id_host_messages REFERENCES host_messages (id)"
    )


def downgrade():
    op.drop_column('reports', 'host_message_id')
    op.drop_index(op.f('ix_host_messages_event_id'), table_name='host_messages')
    op.drop_table('host_messages')
    op.drop_column('events', 'area')
    op.drop_column('events', 'announced_at')
    op.drop_index(op.f('ix_community_followers_user_id'), table_name='community_followers')
    op.drop_table('community_followers')
