"""communities: a host's recurring mixer, who runs it (owner, co-hosts, door
staff), and which community every event belongs to

Every host who has events gets one community, named after them (their display
name), which they own; each of their events moves into it. No row is removed
or rewritten beyond the new column.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

NAME_MAX = 80  # meetup.communities.models.NAME_MAX


# The column is added in place (never a batch copy of events: on SQLite that
# drops the table and, by ON DELETE CASCADE, every registration with it). It
# stays nullable for the same reason registrations.ticket_code does: SQLite
# cannot tighten a column in place; every event gets its community below.
def upgrade():
    op.create_table(
        'communities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=NAME_MAX), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_communities')),
    )
    op.create_table(
        'community_members',
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=12), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("role IN ('owner', 'co-host', 'door')", name=op.f('ck_community_members_role')),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_community_members_community_id_communities'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_community_members_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_community_members_added_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('community_id', 'user_id', name=op.f('pk_community_members')),
    )
    op.create_index(op.f('ix_community_members_user_id'), 'community_members', ['user_id'], unique=False)
    op.create_index(
        'ix_community_members_one_owner',
        'community_members',
        ['community_id'],
        unique=True,
        sqlite_where=sa.text("role = 'owner'"),
        postgresql_where=sa.text("role = 'owner'"),
    )
    op.execute(
        "ALTER TABLE events ADD COLUMN community_id INTEGER "
        "CONSTRAINT fk_events_community_id_communities REFERENCES communities (id)"
    )
    op.create_index(op.f('ix_events_community_id'), 'events', ['community_id'], unique=False)

    connection = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('display_name', sa.String))
    events = sa.table(
        'events', sa.column('id', sa.Integer), sa.column('host_id', sa.Integer),
        sa.column('created_at', sa.DateTime), sa.column('community_id', sa.Integer),
    )
    communities = sa.table(
        'communities', sa.column('id', sa.Integer), sa.column('name', sa.String),
        sa.column('description', sa.Text), sa.column('created_at', sa.DateTime),
    )
    members = sa.table(
        'community_members', sa.column('community_id', sa.Integer), sa.column('user_id', sa.Integer),
        sa.column('role', sa.String), sa.column('added_at', sa.DateTime),
    )
    hosts = connection.execute(
        sa.select(events.c.host_id, users.c.display_name, sa.func.min(events.c.created_at))
        .join(users, users.c.id == events.c.host_id)
        .group_by(events.c.host_id, users.c.display_name)
        .order_by(events.c.host_id)
    ).all()
    for host_id, display_name, first_created in hosts:
        name = (display_name or '').strip()[:NAME_MAX] or f'Community {host_id}'
        community_id = connection.execute(
            communities.insert().values(name=name, description='', created_at=first_created).returning(communities.c.id)
        ).scalar_one()
        connection.execute(
            members.insert().values(community_id=community_id, user_id=host_id, role='owner', added_at=first_created)
        )
        connection.execute(events.update().where(events.c.host_id == host_id).values(community_id=community_id))


def downgrade():
    op.drop_index(op.f('ix_events_community_id'), table_name='events')
    op.drop_column('events', 'community_id')
    op.drop_index('ix_community_members_one_owner', table_name='community_members')
    op.drop_index(op.f('ix_community_members_user_id'), table_name='community_members')
    op.drop_table('community_members')
    op.drop_table('communities')
