"""Command-line entry points."""

from sqlalchemy import func, select

from meetup.accounts.models import User
from meetup.demo import DEMO_PASSWORD, MEMBERS
from meetup.extensions import db


def user_count():
    return db.session.scalar(select(func.count()).select_from(User))


def test_demo_loads_a_host_and_members_once_and_prints_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "host@example.com" in first.output and DEMO_PASSWORD in first.output
    count = user_count()
    assert count == len(MEMBERS) + 4 >= 34  # the host, the site admin, co-host, door staff and the members
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert user_count() == count


def test_demo_members_span_many_industries_and_both_languages(app):
    app.test_cli_runner().invoke(args=["demo"])
    users = db.session.scalars(select(User)).all()
    assert len({u.industry for u in users}) >= 15
    assert any(u.display_name.isascii() for u in users)
    assert any(not u.display_name.isascii() for u in users)


def test_make_admin(app, user):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["make-admin", "MEMBER@example.com"])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.is_admin


def test_make_admin_for_an_unknown_address_fails_clearly(app):
    result = app.test_cli_runner().invoke(args=["make-admin", "nobody@example.com"])
    assert result.exit_code != 0
    assert "No account with the email address nobody@example.com" in result.output
    assert "Traceback" not in result.output
