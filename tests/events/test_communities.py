"""Communities: a first event makes one, the event form picks or starts one,
and the owner adds and removes co-hosts and door staff."""

import pytest
from sqlalchemy import select

from meetup.communities import queries as communities
from meetup.communities import services
from meetup.communities.models import CO_HOST, DOOR, OWNER, Community
from meetup.errors import DomainError, NotFoundError
from meetup.events.services import events as hosting
from meetup.extensions import db
from tests.conftest import csrf_token
from tests.events.helpers import event_details


def test_a_first_event_makes_a_community_named_after_its_host_and_later_ones_join_it(make_user, now):
    host = make_user(display_name="Emi Host")
    first = hosting.create_event(host, event_details(now), now=now)
    second = hosting.create_event(host, event_details(now), now=now)
    [community] = db.session.scalars(select(Community)).all()
    assert community.name == "Emi Host" and first.community_id == second.community_id == community.id
    assert communities.role_in(host, community.id) == OWNER


def test_a_new_community_by_name_and_only_a_hosted_one_by_id(make_user, now):
    host, stranger = make_user(), make_user()
    event = hosting.create_event(host, event_details(now, new_community="渋谷 士業交流会"), now=now)
    assert event.community.name == "渋谷 士業交流会"
    theirs = hosting.create_event(stranger, event_details(now), now=now)
    with pytest.raises(DomainError) as refused:
        hosting.create_event(host, event_details(now, community_id=theirs.community_id), now=now)
    assert refused.value.field == "community_id"


def test_the_owner_adds_a_co_host_who_then_runs_the_evenings_and_removes_them(make_user, now):
    host, helper, door = make_user(), make_user(), make_user()
    event = hosting.create_event(host, event_details(now), now=now)
    services.add_member(host, event.community_id, email=helper.email, role=CO_HOST, now=now)
    services.add_member(host, event.community_id, email=door.email, role=DOOR, now=now)
    assert event.managed_by(helper) and not event.managed_by(door)
    hosting.publish_event(host, event.id, now=now)
    assert event.door_worked_by(door)
    # A co-host puts their own evening in the community too.
    theirs = hosting.create_event(helper, event_details(now, community_id=event.community_id), now=now)
    assert theirs.community_id == event.community_id and theirs.host_id == helper.id
    services.remove_member(host, event.community_id, helper.id)
    assert not event.managed_by(helper) and not theirs.managed_by(helper)


def test_only_the_owner_changes_the_team_and_an_unknown_address_is_refused(make_user, now):
    host, helper = make_user(), make_user()
    event = hosting.create_event(host, event_details(now), now=now)
    services.add_member(host, event.community_id, email=helper.email, role=CO_HOST, now=now)
    with pytest.raises(NotFoundError):
        services.add_member(helper, event.community_id, email=host.email, role=DOOR, now=now)
    with pytest.raises(NotFoundError):
        services.remove_member(host, event.community_id, host.id)  # the owner stays
    with pytest.raises(DomainError) as refused:
        services.add_member(host, event.community_id, email="nobody@example.com", role=DOOR, now=now)
    assert refused.value.field == "email"


def test_the_community_page_lists_published_evenings_and_its_hosts_but_no_draft(client, make_user, now):
    host = make_user(display_name="Page Host")
    draft = hosting.create_event(host, event_details(now, title="Secret draft"), now=now)
    shown = hosting.create_event(host, event_details(now, title="Open evening"), now=now)
    hosting.publish_event(host, shown.id, now=now)
    page = client.get(f"/communities/{shown.community_id}").get_data(as_text=True)
    assert "Open evening" in page and "Page Host" in page and draft.title not in page
    assert client.get("/communities/999999").status_code == 404


def test_adding_people_to_the_team_is_rate_limited(app, client, auth, make_user, now, monkeypatch):
    """Each address typed says whether it has an account: an owner may try only a few a day."""
    monkeypatch.setitem(app.config, "TEAM_LIMIT", "2 per day")
    host = make_user(email="owner@team.example")
    event = hosting.create_event(host, event_details(now), now=now)
    auth.login(email="owner@team.example")
    token = csrf_token(client, f"/communities/{event.community_id}/edit")
    people = [make_user(email=f"door{n}@team.example") for n in range(3)]
    statuses = [
        client.post(
            f"/communities/{event.community_id}/members",
            data={"csrf_token": token, "email": person.email, "role": DOOR},
        ).status_code
        for person in people
    ]
    assert statuses == [302, 302, 429]
    assert [m.user.email for m in communities.members(event.community_id, roles=(DOOR,))] == [
        "door0@team.example",
        "door1@team.example",
    ]


def test_the_owner_hands_the_community_over_to_a_co_host_and_stays_on_as_one(client, auth, make_user, now):
    host = make_user(email="owner@handover.example", display_name="Aiko Owner")
    event = hosting.create_event(host, event_details(now), now=now)
    helper, door = make_user(display_name="Ren Cohost"), make_user(display_name="Sho Door")
    services.add_member(host, event.community_id, email=helper.email, role=CO_HOST, now=now)
    services.add_member(host, event.community_id, email=door.email, role=DOOR, now=now)
    auth.login(email="owner@handover.example")
    path = f"/communities/{event.community_id}/members/{helper.id}/owner"

    asked = client.get(path).get_data(as_text=True)
    assert "Hand" in asked and "Ren Cohost" in asked and "You stay on as a co-host" in asked
    assert client.get(f"/communities/{event.community_id}/members/{door.id}/owner").status_code == 404
    assert communities.role_in(host, event.community_id) == OWNER  # asking changes nothing

    done = client.post(path, data={"csrf_token": csrf_token(client, path)}, follow_redirects=True)
    assert "Ren Cohost now owns" in done.get_data(as_text=True)
    assert communities.role_in(helper, event.community_id) == OWNER
    assert communities.role_in(host, event.community_id) == CO_HOST
    assert event.managed_by(host)  # still runs the evenings
    assert client.get(f"/communities/{event.community_id}/edit").status_code == 404  # but no longer owns it


def test_a_community_is_deleted_only_while_it_holds_no_evening(client, auth, make_user, now):
    host = make_user(email="owner@delete.example")
    event = hosting.create_event(host, event_details(now), now=now)
    spare = services.create_community(host, services.CommunityDetails("Made by mistake"), now=now)
    auth.login(email="owner@delete.example")

    kept = f"/communities/{event.community_id}/delete"
    assert "cannot be deleted" in client.get(kept).get_data(as_text=True)
    refused = client.post(kept, data={"csrf_token": csrf_token(client, kept)}, follow_redirects=True)
    assert "cannot be deleted" in refused.get_data(as_text=True)
    assert db.session.get(Community, event.community_id) is not None

    spare_id = spare.id
    path = f"/communities/{spare_id}/delete"
    assert "Delete Made by mistake?" in client.get(path).get_data(as_text=True)
    client.post(path, data={"csrf_token": csrf_token(client, path)})
    db.session.expunge_all()
    assert db.session.get(Community, spare_id) is None


def test_only_the_owner_hands_over_or_deletes(make_user, now):
    host = make_user()
    event = hosting.create_event(host, event_details(now), now=now)
    helper = make_user()
    services.add_member(host, event.community_id, email=helper.email, role=CO_HOST, now=now)
    with pytest.raises(NotFoundError):
        services.hand_over(helper, event.community_id, helper.id)
    with pytest.raises(NotFoundError):
        services.delete_community(helper, event.community_id)
    with pytest.raises(DomainError, match="Only a co-host"):
        services.hand_over(host, event.community_id, host.id)
