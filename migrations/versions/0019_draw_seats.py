"""the draw record keeps how many seats the draw gave

The record showed each applicant's standing now (a seat, the waitlist,
cancelled), not what the draw gave them: a seat given at the draw and
cancelled since looked like never given. ``events.draw_seats`` records it;
the draw gave the seats to positions 1 to draw_seats.

For evenings drawn before, the count is rebuilt from what the draw
stamped: it confirmed its seats at the instant it ran, so the last
position still confirmed at that instant bounds it. A seat given at the
draw and cancelled since, beyond every seat still held from it, cannot be
told apart and counts as the waitlist. Evenings not drawn keep NULL.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('events', sa.Column('draw_seats', sa.Integer(), nullable=True))
    events = sa.table(
        'events', sa.column('id', sa.Integer), sa.column('drawn_at', sa.DateTime),
        sa.column('draw_seats', sa.Integer),
    )
    registrations = sa.table(
        'registrations', sa.column('event_id', sa.Integer), sa.column('draw_position', sa.Integer),
        sa.column('confirmed_at', sa.DateTime),
    )
    seated_at_the_draw = (
        sa.select(sa.func.coalesce(sa.func.max(registrations.c.draw_position), 0))
        .where(
            registrations.c.event_id == events.c.id,
            registrations.c.draw_position.is_not(None),
            registrations.c.confirmed_at == events.c.drawn_at,
        )
        .scalar_subquery()
    )
    op.execute(events.update().where(events.c.drawn_at.is_not(None)).values(draw_seats=seated_at_the_draw))


def downgrade():
    op.drop_column('events', 'draw_seats')
