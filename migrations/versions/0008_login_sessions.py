"""login sessions: one row per log-in, replacing the per-user session token

Logging out deletes its row, so a copied session or remember-me cookie stops
working, while the person's other devices stay logged in. Cookies issued
before this revision carried the old token: everyone is logged out once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 10:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions'))
    )
    op.create_index('ix_login_sessions_user_id', 'login_sessions', ['user_id'], unique=False)
    # In place on both databases (SQLite 3.35+ drops an unconstrained column
    # without rebuilding ``users``, which every other table points at).
    op.drop_column('users', 'session_token')


def downgrade():
    # Back to one token per user, a fresh random one each: every log-in ends.
    op.add_column('users', sa.Column('session_token', sa.String(length=64), nullable=False, server_default=''))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(session_token=secrets.token_urlsafe(24)))
    if op.get_context().dialect.name != "sqlite":  # SQLite cannot drop a default in place
        op.alter_column('users', 'session_token', server_default=None)
    op.drop_index('ix_login_sessions_user_id', table_name='login_sessions')
    op.drop_table('login_sessions')
