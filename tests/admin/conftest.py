"""The admin pages' tests: a site admin, logged in."""

import pytest

from meetup.accounts.services.settings import make_admin


@pytest.fixture
def admin(make_user, auth):
    person = make_user(email="admin@example.com", display_name="Site Admin")
    make_admin("admin@example.com")
    auth.login(email="admin@example.com")
    return person
