"""The whole loop, run by the worker alone, as the people of one evening live it.

Four people sign up, get their confirmation with the evening attached,
a reminder the day before, their tables once the host publishes them, the
meet-again prompt when the evening ends and (if they have not answered) a
last call the day before the window closes; then the reveal tells the one
mutual pair, both at once. Between the steps the test moves the clock to
fixed instants, runs ``flask --app meetup worker --once`` as cron or the
service would, and reads what a real SMTP server received. Every step is run
twice: the second run must send nothing.

It runs on SQLite and on PostgreSQL like the rest of the suite.
"""

from datetime import timedelta
from typing import NamedTuple

from icalendar import Calendar

from meetup.accounts.models import User
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.matching import window
from meetup.matching.services.choices import save_choices
from meetup.seating.services import forming, publishing
from tests import clock
from tests.events.helpers import event_details

NAMES = ("Aiko Tanaka", "Ben Sato", "Chika Mori", "Daichi Kato")


class Person(NamedTuple):
    id: int
    email: str


def run_the_worker(app, smtp_server, at) -> dict[str, list[str]]:
    """Move the clock to ``at``, run the worker once, and return the subjects
    each address received. A second run right after sends nothing."""
    clock.move_to(at)
    before = len(smtp_server.messages)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    sent = len(smtp_server.messages)
    again = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert again.exit_code == 0 and "Sent 0 message(s)" in again.output, again.output
    assert len(smtp_server.messages) == sent  # nothing twice
    received = {}
    for message in smtp_server.messages[before:]:
        received.setdefault(message["To"], []).append(message["Subject"].strip())
    return received


def test_from_sign_up_to_a_match_the_worker_sends_every_mail_once(app, make_user, smtp_server, now):
    host = make_user(email="host@loop.example", display_name="Hana Host")
    people = [
        make_user(email=f"{name.split()[0].lower()}@loop.example", display_name=name, language=language)
        for name, language in zip(NAMES, ("en", "ja", "en", "en"))
    ]
    # The worker's ticks end the session: work with ids and addresses, load people afresh.
    host_id = host.id
    aiko, ben, chika, daichi = (Person(person.id, person.email) for person in people)
    address = {person.id: person.email for person in people}
    starts_at = now + timedelta(days=3)
    details = event_details(
        now, starts_at=starts_at, registration_deadline=None, table_size=4, rounds=1, meet_again_days=3
    )
    event = hosting.create_event(host, details, now=now)
    hosting.publish_event(host, event.id, now=now)
    event_id, title, ends_at = event.id, event.title, event.ends_at
    closes_at = window.closes_at(event)
    registrations = [
        register(person, event_id, goals=["learn"], intro="", acknowledged=True, now=now).id for person in people
    ]

    # Signing up: the seat, the ticket, the evening attached as a calendar file.
    confirmations = run_the_worker(app, smtp_server, now + timedelta(minutes=1))
    assert confirmations == {
        aiko.email: [f"Your seat is confirmed: {title}"],
        ben.email: [f"参加が確定しました：{title}"],
        chika.email: [f"Your seat is confirmed: {title}"],
        daichi.email: [f"Your seat is confirmed: {title}"],
    }
    mail = next(m for m in smtp_server.messages if m["To"] == aiko.email)
    assert f"/events/{event_id}/ticket" in mail.get_body(("plain",)).get_content()
    [calendar] = list(mail.iter_attachments())
    assert calendar.get_content_type() == "text/calendar"
    [entry] = Calendar.from_ical(calendar.get_content()).walk("VEVENT")
    assert entry.decoded("dtstart").replace(tzinfo=None) == starts_at

    # The day before: a reminder each.
    reminders = run_the_worker(app, smtp_server, starts_at - timedelta(hours=20))
    assert sorted(reminders) == sorted(address.values())
    assert all(len(subjects) == 1 for subjects in reminders.values())

    # The evening: everyone comes, the host forms and publishes the tables.
    host = db.session.get(User, host_id)
    for registration_id in registrations:
        check_in(host, event_id, registration_id, now=starts_at)
    forming.form_tables(host, event_id)
    publishing.publish(host, event_id, now=starts_at + timedelta(minutes=5))
    tables = run_the_worker(app, smtp_server, starts_at + timedelta(minutes=6))
    assert tables[aiko.email] == [f"Your tables are published: {title}"]
    assert sorted(tables) == sorted(address.values())

    # When it ends, everyone is asked whom they would like to meet again.
    prompts = run_the_worker(app, smtp_server, ends_at + timedelta(minutes=10))
    assert sorted(prompts) == sorted(address.values())
    assert prompts[aiko.email][0].startswith("Whom would you like to meet again? Until ")

    # Aiko and Ben tick each other; Chika ticks Daichi, who never answers.
    for chooser, chosen, hours in ((aiko, [ben], 2), (ben, [aiko, chika], 3), (chika, [daichi], 4)):
        user = db.session.get(User, chooser.id)
        save_choices(user, event_id, [person.id for person in chosen], now=ends_at + timedelta(hours=hours))

    # The day before the window closes, a last call to the one who has not answered.
    last_calls = run_the_worker(app, smtp_server, closes_at - timedelta(hours=20))
    assert list(last_calls) == [daichi.email]
    assert last_calls[daichi.email][0].startswith("Last call: whom would you like to meet again? Until ")

    # The window closes: Aiko and Ben hear of each other at once; nobody else hears anything.
    reveal = run_the_worker(app, smtp_server, closes_at + timedelta(minutes=1))
    assert sorted(reveal) == sorted([aiko.email, ben.email])
    assert all(len(subjects) == 1 for subjects in reveal.values())
    match_mail = next(m for m in smtp_server.messages if m["To"] == aiko.email and "Ben Sato" in m.as_string())
    assert "Chika" not in match_mail.as_string()

    # Neither Chika's one-sided tick nor anything else reached Daichi: he got the
    # evening's mail and the last call, as anyone who had not answered would.
    everything = {}
    for message in smtp_server.messages:
        everything.setdefault(message["To"], []).append(message["Subject"])
    assert len(everything[chika.email]) == 4  # confirmation, reminder, tables, prompt
    assert len(everything[daichi.email]) == 5  # and the last call
    assert len(everything[aiko.email]) == len(everything[ben.email]) == 5  # and the match
