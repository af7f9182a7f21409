"""bans belong to a community: a person banned after a report at one of its
evenings may not register for any of its evenings, whichever of its hosts
created them

Each existing ban moves into the community of the evening its report was
about, or else the community its host owns (0013 gave every host with
events exactly one). The ban keeps every column; ``host_id`` stays as the
host of the evening it came from. Only one active ban per person and
community, as before per person and host.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ACTIVE = sa.text('lifted_at IS NULL')


# In place, as 0013 added events.community_id: nullable only because SQLite
# cannot tighten a column in place; every ban gets its community below.
def upgrade():
    op.execute(
        "ALTER TABLE bans ADD COLUMN community_id INTEGER "
        "CONSTRAINT fk_bans_community_id_communities REFERENCES communities (id)"
    )
    bans = sa.table(
        'bans', sa.column('id', sa.Integer), sa.column('host_id', sa.Integer),
        sa.column('report_id', sa.Integer), sa.column('community_id', sa.Integer),
    )
    reports = sa.table('reports', sa.column('id', sa.Integer), sa.column('event_id', sa.Integer))
    events = sa.table('events', sa.column('id', sa.Integer), sa.column('community_id', sa.Integer))
    members = sa.table(
        'community_members', sa.column('community_id', sa.Integer), sa.column('user_id', sa.Integer),
        sa.column('role', sa.String),
    )
    of_report = (
        sa.select(events.c.community_id)
        .join(reports, reports.c.event_id == events.c.id)
        .where(reports.c.id == bans.c.report_id)
        .scalar_subquery()
    )
    owned = (
        sa.select(members.c.community_id)
        .where(members.c.user_id == bans.c.host_id, members.c.role == 'owner')
        .limit(1)
        .scalar_subquery()
    )
    op.execute(bans.update().values(community_id=sa.func.coalesce(of_report, owned)))
    op.drop_index('uq_bans_active', table_name='bans')
    op.create_index(
        'uq_bans_active', 'bans', ['community_id', 'user_id'], unique=True,
        sqlite_where=ACTIVE, postgresql_where=ACTIVE,
    )


def downgrade():
    op.drop_index('uq_bans_active', table_name='bans')
    op.create_index(
        'uq_bans_active', 'bans', ['host_id', 'user_id'], unique=True,
        sqlite_where=ACTIVE, postgresql_where=ACTIVE,
    )
    op.drop_column('bans', 'community_id')
