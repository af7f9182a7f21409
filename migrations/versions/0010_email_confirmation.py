"""email confirmation: when a person proved their address (仮登録 → 本登録)

Accounts made before this revision signed up, logged in and received mail
at their address for months: they count as confirmed from their sign-up.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
    users = sa.table('users', sa.column('email_confirmed_at', sa.DateTime), sa.column('created_at', sa.DateTime))
    op.execute(users.update().values(email_confirmed_at=users.c.created_at))


def downgrade():
    op.drop_column('users', 'email_confirmed_at')
