"""name reading: an optional フリガナ for every name

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('name_reading', sa.String(length=80), nullable=False, server_default=''))


def downgrade():
    op.drop_column('users', 'name_reading')
