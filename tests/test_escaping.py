"""What people write is shown as text, never run as markup: hostile HTML in
every column a person writes, on every page, flash, form and export that
shows it; mail shows it as it was written.

Translated messages that carry someone's words (a name in a door refusal, a
table name in the report form's choices) were trusted as HTML by Jinja and
WTForms; the app's lazy gettext (meetup/i18n.py) escapes their variables.
The world is the route sweep's, with every column a person writes
overwritten with markup that would act if it reached a page unescaped.
"""

import ast
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from markupsafe import Markup, escape

from meetup.accounts.models import User
from meetup.conduct.services.code import publish_version
from meetup.events.models import Event, HostMessage, Registration
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail.services.outbox import render
from meetup.rules.queries import current_code
from tests.clock import NOW
from tests.conftest import csrf_token
from tests.fuzz.hostile import CLOSE_SELECT, HTML, META_REFRESH, OUT_OF_ATTRIBUTE
from tests.sweep_world import BY_ENDPOINT, ROUTES, client_as, methods, url, world  # noqa: F401  (world: fixture)

ROOT = Path(__file__).resolve().parent.parent

# The two that were found (a refresh to another site, a choice that swallows the rest of its form)
# and a way out of an attribute, as much of them as each column holds.
ALL = META_REFRESH + CLOSE_SELECT + OUT_OF_ATTRIBUTE

# Every column a person writes (table.column): a value that fits the column.
HOSTILE = {
    "users.display_name": "Name " + META_REFRESH,
    "users.industry_other": "Trade " + CLOSE_SELECT + OUT_OF_ATTRIBUTE,
    "users.introduction": "Intro " + ALL,
    "contact_details.email": "Mail " + ALL,
    "contact_details.phone": "Tel " + CLOSE_SELECT,
    "contact_details.line_id": "Line " + OUT_OF_ATTRIBUTE,
    "contact_details.website": "Web " + ALL,
    "contact_details.other": "Other " + ALL,
    "events.title": "Title " + ALL,
    "events.theme": "Theme " + CLOSE_SELECT + OUT_OF_ATTRIBUTE,
    "events.description": "Description " + ALL,
    "events.venue": "Venue " + ALL,
    "events.online_url": "https://online.example/" + ALL,
    "events.custom_goals": "Goal " + CLOSE_SELECT + OUT_OF_ATTRIBUTE,
    "events.conduct_extra": "Extra " + ALL,
    "events.fee_note": "Fee " + CLOSE_SELECT + OUT_OF_ATTRIBUTE,
    "registrations.intro": "Today " + ALL,
    "communities.name": "Club " + CLOSE_SELECT + OUT_OF_ATTRIBUTE,
    "communities.description": "About " + ALL,
    "communities.issuer_name": "Issuer " + CLOSE_SELECT + OUT_OF_ATTRIBUTE,
    "communities.issuer_address": "Address " + ALL,
    "receipts.addressee": "To " + CLOSE_SELECT + OUT_OF_ATTRIBUTE,
    "notes.text": "Note " + ALL,
    "reports.description": "Report " + ALL,
    "host_messages.subject": "Subject " + CLOSE_SELECT + OUT_OF_ATTRIBUTE,
    "host_messages.body": "Message " + ALL,
    "moderation_actions.note": "Record " + ALL,
    "seatings.table_names": "T0" + CLOSE_SELECT,
    "codes_of_conduct.text_en": "Code " + ALL,
    "codes_of_conduct.text_ja": "規範 " + ALL,
}
# Text columns nobody types into freely: codes, states, tokens, and mail the app composes (tested below).
NOT_WRITTEN_AS_TEXT = {
    "users.email",  # checked as an address at sign-up; the world logs in with it (set below for the others)
    "users.password_hash",
    "users.industry",
    "users.language",
    "users.name_reading",  # kana only: refused unless it is (meetup.accounts.forms)
    "login_sessions.id",
    "outbox_messages.recipient_email",
    "outbox_messages.subject",
    "outbox_messages.body",
    "outbox_messages.kind",
    "outbox_messages.last_error",
    "outbox_messages.message_id",
    "outbox_messages.calendar",  # made by meetup.events.ics from the event, as the body is made from templates
    "outbox_messages.unsubscribe_url",  # a signed link the app makes
    "mail_opt_outs.topic",  # one of the app's own topic names
    "events.state",
    "events.timezone",
    "events.area",  # one of meetup.events.areas.CODES: the service refuses anything else
    "events.goals",
    "events.admission",  # first-come or lottery
    "events.draw_seed",  # hex from the secrets module
    "matches.public_id",
    "notes.public_id",
    "registrations.status",
    "registrations.goals",
    "registrations.ticket_code",  # made by meetup.events.tickets; a code typed at the door is only looked up
    "registrations.payment_method",  # cash or other
    "reports.category",
    "reports.status",
    "seatings.status",
    "seatings.breakdown",
    "seatings.moves",
    "moderation_actions.action",
    "community_members.role",  # owner, co-host or door
    "communities.invoice_number",  # T and 13 digits: the service refuses anything else
    "receipts.invoice_number",  # copied from the community's when the receipt was issued
    "receipts.issuer_name",  # copied from the community's (made hostile above); printed only in the PDF
    "receipts.issuer_address",  # likewise
    "receipts.evening_title",  # copied from the event's title (made hostile above); printed only in the PDF
    "receipts.timezone",  # copied from the event's (events.timezone above)
}
# People whose address is made hostile too: those the tests never log in as (an admin sees them all).
EMAIL_ROLES = ("reported", "blocked", "newcomer", "member", "other_host")
CUSTOM_GOAL = "custom-1"

# Markup that acts if it reaches a page as it is.
RAW = ("<meta http-equiv=refresh", "<img src=x", *HTML)
ENTITIES = re.compile(r"&(lt|gt|amp|quot|#3[49]);")


def hostile_email(role: str) -> str:
    return f"{role}{OUT_OF_ATTRIBUTE}@sweep.example"


def _text_columns() -> set[str]:
    return {
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, (sa.String, sa.JSON))
    }


def _make_hostile(world) -> None:
    tables = db.metadata.tables
    value = HOSTILE.__getitem__
    db.session.execute(
        tables["users"]
        .update()
        .values(
            display_name=value("users.display_name"),
            industry="other",
            industry_other=value("users.industry_other"),
            introduction=value("users.introduction"),
        )
    )
    for role in EMAIL_ROLES:
        db.session.execute(
            tables["users"].update().where(tables["users"].c.id == world.users[role]).values(email=hostile_email(role))
        )
    contact_fields = ("email", "phone", "line_id", "website", "other")
    db.session.execute(
        tables["contact_details"]
        .update()
        .values(
            **{name: value(f"contact_details.{name}") for name in contact_fields},
            **{f"{name}_shared": True for name in contact_fields},
        )
    )
    db.session.execute(
        tables["events"]
        .update()
        .values(
            **{
                name: value(f"events.{name}")
                for name in ("title", "theme", "description", "venue", "online_url", "conduct_extra", "fee_note")
            },
            custom_goals=[{"code": CUSTOM_GOAL, "label": value("events.custom_goals")}],
        )
    )
    for event_id, goals in db.session.execute(sa.select(tables["events"].c.id, tables["events"].c.goals)).all():
        db.session.execute(
            tables["events"].update().where(tables["events"].c.id == event_id).values(goals=[*goals, CUSTOM_GOAL])
        )
    for registration_id, goals in db.session.execute(
        sa.select(tables["registrations"].c.id, tables["registrations"].c.goals)
    ).all():
        db.session.execute(
            tables["registrations"]
            .update()
            .where(tables["registrations"].c.id == registration_id)
            .values(intro=value("registrations.intro"), goals=[*goals[:2], CUSTOM_GOAL])
        )
    for name in (
        "notes.text",
        "reports.description",
        "host_messages.subject",
        "host_messages.body",
        "moderation_actions.note",
        "communities.name",
        "communities.description",
        "communities.issuer_name",
        "communities.issuer_address",
        "receipts.addressee",
    ):
        table, column = name.split(".")
        db.session.execute(tables[table].update().values({column: value(name)}))
    for seating_id, count in db.session.execute(
        sa.select(tables["seatings"].c.id, tables["seatings"].c.table_count)
    ).all():
        names = [f"T{n}{CLOSE_SELECT}" for n in range(count)]
        db.session.execute(
            tables["seatings"].update().where(tables["seatings"].c.id == seating_id).values(table_names=names)
        )
    db.session.execute(
        tables["codes_of_conduct"]
        .update()
        .values(text_en=value("codes_of_conduct.text_en"), text_ja=value("codes_of_conduct.text_ja"))
    )


def test_every_column_people_write_is_made_hostile(app):
    columns = _text_columns()
    unclassified = sorted(columns - set(HOSTILE) - NOT_WRITTEN_AS_TEXT)
    assert not unclassified, f"say whether people write {unclassified}: add to HOSTILE or NOT_WRITTEN_AS_TEXT"
    assert set(HOSTILE) | NOT_WRITTEN_AS_TEXT <= columns, "a listed column is gone"


@pytest.fixture(scope="module")
def hostile(base_app, world):
    """The sweep's world, with markup in everything people write. The seeded
    code of conduct is put back afterwards (the world's clean-up keeps it)."""
    codes = db.metadata.tables["codes_of_conduct"]
    with base_app.app_context():
        seeded = db.session.execute(sa.select(codes.c.version, codes.c.text_en, codes.c.text_ja)).all()
        _make_hostile(world)
        db.session.commit()
        try:
            yield world
        finally:
            db.session.rollback()
            for version, text_en, text_ja in seeded:
                db.session.execute(
                    codes.update().where(codes.c.version == version).values(text_en=text_en, text_ja=text_ja)
                )
            db.session.commit()


def assert_no_raw_markup(html: str, where: str) -> None:
    for fragment in RAW:
        assert fragment not in html, f"{where} shows {fragment!r} as markup"


def escaped(value: str) -> str:
    return str(escape(value))


def get_checked(client, path: str) -> str:
    """A page, checked: HTML shows no markup from people; CSV and calendar files show their text as it is."""
    response = client.get(path)
    assert response.status_code < 500, f"GET {path}: {response.status_code}"
    body = response.get_data(as_text=True)
    if response.mimetype == "text/html":
        assert_no_raw_markup(body, f"GET {path}")
    elif response.mimetype.startswith("text/"):
        assert not ENTITIES.search(body), f"GET {path} ({response.mimetype}) escaped text as if it were HTML"
    return body


# --- the two that were found ---------------------------------------------------------


def _door_refusal(app, hostile, language, prepare):
    """The host marks the attendee present at the door; ``prepare`` makes the service refuse."""
    registrations = db.metadata.tables["registrations"]
    db.session.execute(
        registrations.update().where(registrations.c.id == hostile.attendee_registration).values(checked_in_at=None)
    )
    prepare()
    client = client_as(app, hostile, "host")
    token = csrf_token(client, f"/events/{hostile.recent}/check-in")
    page = client.post(
        url(app, BY_ENDPOINT["events.check_in"], hostile),
        data={"csrf_token": token},
        follow_redirects=True,
        headers={"Accept-Language": language},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="flash error"' in html
    assert_no_raw_markup(html, "the check-in page's flash")
    assert escaped(HOSTILE["users.display_name"]) in html, "the refusal names the person, as text"
    assert (
        db.session.scalar(
            sa.select(registrations.c.checked_in_at).where(registrations.c.id == hostile.attendee_registration)
        )
        is None
    )


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_cancelled_persons_name_in_the_door_refusal_is_text(app, hostile, language):
    registrations = db.metadata.tables["registrations"]
    _door_refusal(
        app,
        hostile,
        language,
        lambda: db.session.execute(
            registrations.update().where(registrations.c.id == hostile.attendee_registration).values(status="cancelled")
        ),
    )


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_name_in_the_new_code_of_conduct_refusal_is_text(app, hostile, language):
    _door_refusal(
        app,
        hostile,
        language,
        lambda: publish_version(text_en="Be kind. No selling, ever.", text_ja="親切に。営業は禁止です。", now=NOW),
    )


def test_a_table_name_in_the_report_forms_choices_is_text(app, hostile):
    client = client_as(app, hostile, "attendee")
    html = client.get(url(app, BY_ENDPOINT["conduct.report"], hostile)).get_data(as_text=True)
    assert_no_raw_markup(html, "the report form")
    assert f'<option value="0">Table {escaped("T0" + CLOSE_SELECT)}</option>' in html
    # The form still ends with its own submit button, after the one select and the one textarea.
    form = html[html.index('<form method="post"', html.index('id="content"')) :]
    assert form.count("<textarea") == 1 and form.count("</select>") == 2
    assert form.index('type="submit"') > form.rindex("</select>")


# --- every page, flash, export and mail ------------------------------------------------


def _viewer(route) -> str:
    return route.owner if route.access in ("private", "admin") else "attendee"


def test_every_page_shows_what_people_wrote_as_text(app, hostile):
    pages = []
    clients = {}
    for route in ROUTES:
        if "GET" not in methods(app, route) or route.endpoint in ("static", "accounts.logout"):
            continue
        role = _viewer(route)
        client = clients.get(role) or clients.setdefault(role, client_as(app, hostile, role))
        pages.append(get_checked(client, url(app, route, hostile)))
    # What the route list reaches with other arguments: the evening that has happened, the door's search.
    pages.append(get_checked(clients["attendee"], f"/events/{hostile.recent}"))
    pages.append(get_checked(clients["host"], f"/events/{hostile.recent}/check-in?q=Name"))
    # The world's one receipt is the tablemate's: its addressee on their receipt page.
    pages.append(get_checked(client_as(app, hostile, "tablemate"), f"/events/{hostile.recent}/receipt"))

    shown = "\n".join(pages)
    unseen = [column for column, value in HOSTILE.items() if escaped(value) not in shown]
    assert not unseen, f"no page showed {unseen}: their escaping goes untested"
    assert escaped(hostile_email("reported")) in shown


def _outbox_ids() -> set[int]:
    return set(db.session.scalars(sa.select(db.metadata.tables["outbox_messages"].c.id)))


def assert_plain_mail(subject: str, body: str, where: str) -> None:
    for text in (subject, body):
        assert not ENTITIES.search(text), f"{where}: the mail shows HTML escapes instead of the text"


@pytest.mark.parametrize(
    "route", [route for route in ROUTES if route.endpoint != "static"], ids=lambda route: route.endpoint
)
def test_every_route_and_its_flash_show_what_people_wrote_as_text(app, hostile, route):
    client = client_as(app, hostile, _viewer(route))
    path = url(app, route, hostile)
    for method in methods(app, route):
        if method == "GET":
            get_checked(client, path)
            continue
        outbox = _outbox_ids()
        body = route.body(hostile)
        if "title" in body:  # an event form: the host's own goals go in as well
            body = {**body, "custom_goals": HOSTILE["events.custom_goals"]}
        response = client.post(path, data={**body, "csrf_token": csrf_token(client)})
        assert response.status_code < 500, f"POST {path}: {response.status_code}"
        if response.status_code == 302 and not urlsplit(response.headers["Location"]).netloc:
            response = client.get(response.headers["Location"])  # the flash is shown here
        if response.mimetype == "text/html":
            assert_no_raw_markup(response.get_data(as_text=True), f"POST {path} and the page after it")
        messages = db.metadata.tables["outbox_messages"]
        for subject, text in db.session.execute(
            sa.select(messages.c.subject, messages.c.body).where(messages.c.id.not_in(outbox))
        ):
            assert_plain_mail(subject, text, f"POST {path}")


MAIL_TEMPLATES = sorted(path.stem for path in (ROOT / "templates/mail").glob("*.txt") if not path.name.startswith("_"))


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("template", MAIL_TEMPLATES)
def test_mail_shows_what_people_wrote_as_written(app, hostile, template, language):
    person = db.session.get(User, hostile.users["attendee"])
    event = db.session.get(Event, hostile.recent)
    link = "https://meetup.example/page"
    with force_locale(language):
        subject, body = render(
            template,
            recipient=person,
            other=db.session.get(User, hostile.users["tablemate"]),
            host=db.session.get(User, hostile.users["host"]),
            event=event,
            registration=db.session.get(Registration, hostile.attendee_registration),
            position=2,
            cancelled=[event],
            code=current_code(),
            event_url=link,
            events_url=link,
            matches_url=link,
            queue_url=link,
            tables_url=link,
            meet_again_url=link,
            closes_at=event.ends_at,
            message=db.session.scalar(sa.select(HostMessage)),
            sender=db.session.get(User, hostile.users["host"]),
            report_url=link,
            community=event.community,
            community_url=link,
        )
    assert_plain_mail(subject, body, template)
    written = (HOSTILE["users.display_name"], HOSTILE["events.title"])
    assert any(value in subject + body for value in written), f"{template} shows neither a name nor a title"


# --- the one way to translate lazily -------------------------------------------------------


def test_a_lazy_message_escapes_its_variables_as_html_and_keeps_them_as_text(app):
    message = _l("%(name)s is checked in.", name=META_REFRESH)
    assert str(message) == META_REFRESH + " is checked in."  # mail, logs, CSV
    assert escape(message) == escaped(META_REFRESH) + " is checked in."  # pages, forms, flashes
    inner = _l("Table %(name)s", name=CLOSE_SELECT)
    assert escape(_l("%(name)s is checked in.", name=inner)) == f"Table {escaped(CLOSE_SELECT)} is checked in."
    assert (
        escape(_l("Check-in undone for %(name)s.", name=Markup("<b>kept</b>"))) == "Check-in undone for <b>kept</b>."
    )  # markup the app made itself stays markup
    with force_locale("ja"):
        assert escaped(META_REFRESH) in escape(message) and META_REFRESH not in escape(message)
        assert META_REFRESH in str(message) and str(message) != META_REFRESH + " is checked in."


LAZY = {"lazy_gettext", "lazy_ngettext", "lazy_pgettext", "lazy_npgettext", "LazyString"}


def test_no_module_uses_flask_babels_lazy_strings_directly():
    offenders = []
    for path in sorted((ROOT / "meetup").rglob("*.py")):
        if path == ROOT / "meetup/i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = set()
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask_babel"):
                names = {alias.name for alias in node.names}
            elif (
                isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "flask_babel"
            ):
                names = {node.attr}
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno} {name}" for name in names & LAZY]
    assert not offenders, "import the lazy gettext from meetup.i18n (it escapes what it interpolates):\n" + "\n".join(
        offenders
    )


def test_no_template_marks_text_as_safe():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "templates").rglob("*.*"))
        for match in re.finditer(r"\|\s*safe\b|autoescape\s+false|Markup", path.read_text())
    ]
    assert not found, "text marked safe in a template:\n" + "\n".join(found)
