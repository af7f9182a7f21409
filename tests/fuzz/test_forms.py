"""Every POST route, fuzzed: hostile form bodies (long, control characters,
NUL, lone surrogates, emoji, SQL and HTML fragments, numbers beyond any
column, wrong types, duplicated and missing fields), and valid bodies with
any set of fields left out, posted with a valid CSRF token by someone
allowed to use the route, on real objects. Never a 500; either the action
happened with clean data or nothing changed; an HTML fragment only ever
comes back escaped."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from meetup.demo import DEMO_PASSWORD
from meetup.extensions import db, limiter
from tests.clock import NOW
from tests.conftest import csrf_token, delete_all_rows
from tests.fuzz.hostile import HTML, MISSING, contains_html, encoded_body, field_value
from tests.fuzz.snapshot import changes, snapshot, unclean
from tests.fuzz.world import build_world

EXAMPLES = 30
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)

PROFILE = {
    "display_name": ["Aiko", "田中 愛子"],
    "industry": ["it", "lawyer", "other"],
    "industry_other": ["", "Florist"],
    "introduction": ["", "税理士です。"],
    "language": ["", "en", "ja"],
}
COMMUNITY = {"name": ["渋谷 士業交流会", "Shibuya mixers"], "description": ["", "Every month."]}
EVENT = {
    "title": ["Spring mixer"],
    "theme": ["", "士業"],
    "description": ["", "Five to a table."],
    "timezone": ["Asia/Tokyo"],
    "starts_at": ["2031-04-10T19:00"],
    "ends_at": ["2031-04-10T21:00"],
    "registration_deadline": ["", "2031-04-09T12:00"],
    "venue": ["", "Shibuya"],
    "area": ["13", "online"],
    "online_url": ["", "https://example.com/room"],
    "capacity": ["24"],
    "fee_yen": ["0", "3000"],
    "table_rule": ["size", "count"],
    "table_number": ["4", "5"],
    "rounds": ["3"],
    "goals": [["learn", "peers"], "learn"],
    "custom_goals": ["", "Meet a baker"],
    "meet_again_days": ["3"],
    "conduct_extra": ["", "No cards."],
    "admission": ["first-come", "lottery"],
    "draw_at": ["", "2031-04-09T10:00"],
}
EVENT_ECHOED = {"title", "theme", "description", "venue", "online_url", "custom_goals", "conduct_extra"}


@dataclass
class Route:
    """Who posts, where (given the world's ids), which fields with which valid
    values, and which fields a re-rendered form shows again."""

    role: str  # "anonymous", or an attribute of the world naming a user id
    path: object  # world -> path
    fields: dict = field(default_factory=dict)
    echoed: frozenset = frozenset()
    accepted: int = 302  # what an accepted post answers (a redirect, for every form a person fills in)


def _w(template):
    return lambda w: template.format(**vars(w))


ROUTES = {
    "accounts.signup": Route(
        "anonymous",
        _w("/signup"),
        {**PROFILE, "email": ["new@example.com"], "password": ["a long enough password"]},
        frozenset({"email", "display_name", "industry_other", "introduction"}),
    ),
    "accounts.login": Route(
        "anonymous",
        _w("/login"),
        {
            "email": ["host@example.com", "nobody@example.com"],
            "password": [DEMO_PASSWORD, "wrong"],
            "remember": ["y", ""],
        },
        frozenset({"email"}),
    ),
    "accounts.logout": Route("actor", _w("/logout")),
    "accounts.forgot_password": Route(
        "anonymous", _w("/password/forgot"), {"email": ["host@example.com", "nobody@example.com"]}, frozenset({"email"})
    ),
    "accounts.reset_password": Route("anonymous", lambda w: w.reset_path, {"password": ["another long password"]}),
    "accounts.confirm_email": Route("anonymous", lambda w: w.confirm_path),
    "accounts.resend_confirmation": Route("unconfirmed", _w("/profile/confirm-email/resend"), {"next": ["/events/"]}),
    "accounts.change_email": Route(
        "actor",
        _w("/profile/email"),
        {"email": ["new@example.com", "host@example.com"], "password": [DEMO_PASSWORD, "wrong"]},
        frozenset({"email"}),
    ),
    "accounts.set_language": Route("actor", _w("/language"), {"language": ["en", "ja"], "next": ["/events/"]}),
    "accounts.edit_profile": Route(
        "actor", _w("/profile/edit"), PROFILE, frozenset({"display_name", "industry_other", "introduction"})
    ),
    "accounts.contacts": Route(
        "actor",
        _w("/profile/contacts"),
        {
            "email": ["", "me@example.com"],
            "email_shared": ["y"],
            "phone": ["", "090-1234-5678"],
            "phone_shared": ["y"],
            "line_id": ["", "aiko"],
            "line_id_shared": ["y"],
            "website": ["", "https://example.com"],
            "website_shared": ["y"],
            "other": ["", "Ask at the door"],
            "other_shared": ["y"],
        },
        frozenset({"email", "phone", "line_id", "website", "other"}),
    ),
    "accounts.mail_settings": Route(
        "actor", _w("/profile/mail"), {"reminders": ["y"], "tables": ["y"], "meet_again": ["y"]}
    ),
    # Also posted by mail clients (RFC 8058) with no cookie and no form field but this one;
    # they want a 200, not a redirect.
    "accounts.unsubscribe": Route(
        "anonymous", lambda w: w.unsubscribe_path, {"List-Unsubscribe": ["One-Click"]}, accepted=200
    ),
    "accounts.change_password": Route(
        "actor",
        _w("/profile/password"),
        {"current_password": [DEMO_PASSWORD], "new_password": ["another long password"]},
    ),
    "privacy.delete_account": Route("actor", _w("/profile/delete"), {"password": ["wrong", DEMO_PASSWORD]}),
    "events.create": Route("host", _w("/events/new"), EVENT, frozenset(EVENT_ECHOED)),
    "events.edit": Route("host", _w("/events/{draft}/edit"), EVENT, frozenset(EVENT_ECHOED)),
    "events.publish": Route("host", _w("/events/{draft}/publish")),
    "events.cancel": Route("host", _w("/events/{upcoming}/cancel")),
    "events.repeat": Route("host", _w("/events/{upcoming}/repeat")),
    "events.delete": Route("host", _w("/events/{draft}/delete")),
    "events.register": Route(
        "newcomer",
        _w("/events/{tonight}/register"),
        {"goals": [["learn"], "peers", ["learn", "peers"]], "intro": ["", "Meet a lawyer"], "acknowledge": ["y"]},
        frozenset({"intro"}),
    ),
    "events.cancel_registration": Route(
        "attendee", _w("/events/{upcoming}/cancel-registration"), {"next": ["/events/mine"]}
    ),
    "events.acknowledge": Route(
        "attendee", _w("/events/{tonight}/acknowledge"), {"acknowledge": ["y"], "next": ["/events/mine"]}
    ),
    "events.check_in": Route(
        "host",
        _w("/events/{tonight}/check-in/{waiting_at_door}"),
        {"q": ["", "田中"], "payment": ["", "cash"], "amount": ["", "2500"]},
    ),
    "events.undo_check_in": Route("host", _w("/events/{tonight}/check-in/{checked_in}/undo"), {"q": [""]}),
    "events.walk_in": Route(
        "host",
        _w("/events/{tonight}/walk-in"),
        {
            "display_name": ["Hana Mori", "森 花"],
            "name_reading": ["", "もり はな"],
            "industry": ["it", "other"],
            "industry_other": ["", "Florist"],
            "email": ["", "walk-in@example.com"],
            "language": ["ja", "en"],
            "acknowledge": ["y"],
            "beyond_capacity": ["y", ""],
        },
        frozenset({"display_name", "name_reading", "industry_other", "email"}),
    ),
    "events.check_in_by_code": Route(
        "host",
        _w("/events/{tonight}/check-in/ticket"),
        {"code": ["{waiting_ticket}", "abcde-fghjk"]},
        frozenset({"code"}),
    ),
    "events.record_payment": Route(
        "host",
        _w("/events/{tonight}/check-in/{checked_in}/payment"),
        {"method": ["cash", "other"], "q": [""], "amount": ["", "3000"]},
    ),
    "events.undo_payment": Route("host", _w("/events/{tonight}/check-in/{checked_in}/payment/undo"), {"q": [""]}),
    "events.messages_page": Route(
        "host",
        _w("/events/{tonight}/messages"),
        {
            "subject": ["Room change", "会場の変更"],
            "body": ["Room 8B.", "8階です。\nお待ちしています。"],
            "include_waitlist": ["y", ""],
        },
        frozenset({"subject", "body"}),
    ),
    "seating.form_tables": Route("host", _w("/events/{tonight}/tables/form")),
    "seating.regroup": Route("host", _w("/events/{tonight}/tables/regroup")),
    "seating.publish": Route("host", _w("/events/{tonight}/tables/publish")),
    "seating.start_round": Route("host", _w("/events/{tonight}/tables/rounds/start"), {"round": ["0", "1", "2"]}),
    "seating.swap": Route(
        "host", _w("/events/{tonight}/tables/swap"), {"round": ["0", "1"], "user_a": "seated", "user_b": "seated"}
    ),
    "seating.move": Route(
        "host",
        _w("/events/{tonight}/tables/move"),
        {"round": ["0", "2"], "user_id": "seated", "table": ["0", "1", "2"]},
    ),
    "seating.lock": Route(
        "host", _w("/events/{tonight}/tables/lock"), {"round": ["0"], "user_id": "seated", "locked": ["y", ""]}
    ),
    "seating.names": Route(
        "host",
        _w("/events/{tonight}/tables/names"),
        {"names-0": ["Sakura", ""], "names-1": ["Fuji"], "names-2": ["桜"]},
    ),
    "conduct.report": Route(
        "actor",
        _w("/events/{last_week}/people/{tablemate}/report"),
        {
            "category": ["selling", "other"],
            "description": ["He kept selling insurance."],
            "round": ["", "0", "1"],
            "table_no": ["", "0"],
        },
        frozenset({"description"}),
    ),
    "conduct.report_message": Route(
        "attendee",
        lambda w: w.message_report_path,
        {"category": ["selling", "other"], "description": ["It advertised a paid seminar."]},
        frozenset({"description"}),
    ),
    "conduct.block": Route("actor", _w("/events/{last_week}/people/{tablemate}/block")),
    "conduct.unblock": Route("actor", _w("/conduct/blocked/{blocked}/unblock")),
    "conduct.moderate": Route(
        "host",
        lambda w: f"/events/{w.last_week}/reports/{w.report}/" + w.choose(["dismiss", "warn", "ban", "lift"]),
        {"note": ["", "Spoke to him."]},
    ),
    "matching.save_choices": Route("actor", _w("/events/{last_week}/meet-again"), {"chosen": "last_week_tablemates"}),
    "matching.end_match": Route("match_user", _w("/matches/{match}/end")),
    "matching.note": Route(
        "actor",
        _w("/people/{tablemate}/note"),
        {"text": ["", "Likes cycling."], "event_id": ["", "{last_week}"], "next": ["/people"]},
        frozenset({"text"}),
    ),
    # Last week's evening had a fee, and the actor paid at the door (the demo): a receipt
    # answers with its PDF; so does the hosts' download of every receipt.
    "receipts.attendee_receipt": Route(
        "actor",
        _w("/events/{last_week}/receipt"),
        {"addressee": ["株式会社〇〇 御中", "Aiko 様"]},
        frozenset({"addressee"}),
        accepted=200,
    ),
    "receipts.copy": Route("actor", _w("/events/{last_week}/receipt/copy"), accepted=200),
    "receipts.evening": Route("host", _w("/events/{last_week}/receipts.pdf"), accepted=200),
    "receipts.issuer": Route(
        "host",
        _w("/communities/{community}/issuer"),
        {
            "issuer_name": ["", "運営事務局"],
            "issuer_address": ["", "東京都渋谷区\n8F"],
            "invoice_number": ["", "T1234567890123", "Ｔ１２３４－５６７８－９０１２３", "T12"],
        },
        frozenset({"issuer_name", "issuer_address", "invoice_number"}),
    ),
    "communities.create": Route("host", _w("/communities/new"), COMMUNITY, frozenset({"name", "description"})),
    "communities.edit": Route(
        "host", _w("/communities/{community}/edit"), COMMUNITY, frozenset({"name", "description"})
    ),
    "communities.add_member": Route(
        "host",
        _w("/communities/{community}/members"),
        {"email": ["cohost@example.com", "nobody@example.com", "host@example.com"], "role": ["co-host", "door"]},
        frozenset({"email"}),
    ),
    "communities.remove_member": Route("host", _w("/communities/{community}/members/{door}/remove")),
    # Door staff cannot be made owner, and a community with evenings is never deleted: the
    # fuzzer's community stays as it is for the routes after these.
    "communities.hand_over": Route("host", _w("/communities/{community}/members/{door}/owner")),
    "communities.delete": Route("host", _w("/communities/{community}/delete")),
    "communities.follow": Route("actor", _w("/communities/{community}/follow"), {"next": ["/events/"]}),
    "communities.unfollow": Route("actor", _w("/communities/{community}/unfollow"), {"next": ["/events/"]}),
    "matching.delete_note": Route("actor", _w("/notes/{note}/delete"), {"next": ["/people"]}),
    "admin.code_of_conduct": Route(
        "admin",
        _w("/admin/code-of-conduct"),
        {"text_en": ["Be kind."], "text_ja": ["親切に。"]},
        frozenset({"text_en", "text_ja"}),
    ),
}


def post_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def test_every_post_route_is_fuzzed(base_app):
    assert post_endpoints(base_app) == set(ROUTES), (
        "a POST route was added or removed: describe it in ROUTES so the fuzzer covers it"
    )


@pytest.fixture(scope="module")
def world(base_app):
    with base_app.app_context():
        try:
            world = build_world()
        finally:
            db.session.remove()
    try:
        yield world
    finally:
        with base_app.app_context():
            delete_all_rows()


def _valid(route: Route, name: str, world) -> list:
    values = route.fields[name]
    if isinstance(values, str):  # the name of a list of ids in the world
        return [str(v) for v in getattr(world, values)]
    return [v.format(**vars(world)) if isinstance(v, str) else v for v in values]


def _as_body(values: dict) -> list[tuple[str, str]]:
    body = []
    for name, value in values.items():
        if value is MISSING:
            continue
        for item in value if isinstance(value, list) else [value]:
            body.append((name, item))
    return body


def _log_in_as(client, user_id):
    from meetup.accounts.models import User
    from meetup.accounts.services.login_sessions import start_login_session

    with client.session_transaction() as session:
        session.pop("_user_id", None)
        if user_id is not None:
            user = db.session.get(User, user_id)
            # At the clock's time, as the log-in page starts one (the loader checks it against the same clock).
            session["_user_id"], session["_fresh"] = start_login_session(user, now=NOW), True


def _flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def _refused(response, flashes, accepted=302) -> bool:
    return response.status_code != accepted or any(category == "error" for category, _ in flashes)


def _start(client, user_id, language="en"):
    """Log in as ``user_id`` (None: anonymous), with no flash left from an earlier example."""
    limiter.reset()
    _log_in_as(client, user_id)
    with client.session_transaction() as session:
        session["language"] = language
        session.pop("_flashes", None)  # an earlier example's, never shown


def _post(client, path, body, language="en"):
    return client.post(
        path,
        data=encoded_body(body),
        content_type="application/x-www-form-urlencoded",
        headers={"Accept-Language": language},
    )


def _assert_all_or_nothing(endpoint, body, response, client, written):
    """Never a 500; a refusal wrote nothing; an accepted post wrote clean data."""
    assert response.status_code < 500, f"{endpoint} answered {response.status_code} to {body!r}"
    if _refused(response, _flashes(client), ROUTES[endpoint].accepted):
        assert not written, f"{endpoint} refused {body!r} but wrote {written!r}"
    else:
        assert not unclean(written), f"{endpoint} stored {unclean(written)} from {body!r}"


@pytest.mark.slow
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_hostile_form_bodies_never_break_or_half_write(app, client, world, endpoint):
    route = ROUTES[endpoint]
    connection = db.session().get_bind()
    token = csrf_token(client, "/")
    user_id = None if route.role == "anonymous" else getattr(world, route.role)
    saved_limit = app.config["GROUPING_TIME_LIMIT"]
    app.config["GROUPING_TIME_LIMIT"] = 0.05
    field_names = sorted(route.fields)

    def strategy(name):
        values = field_value(_valid(route, name, world))
        # A field shown back gets an HTML fragment often enough to check its escaping.
        return st.one_of(st.sampled_from(HTML), values) if name in route.echoed else values

    @FUZZ
    @given(
        values=st.fixed_dictionaries({name: strategy(name) for name in field_names}),
        extra=st.dictionaries(
            st.sampled_from(["csrf_token", "id", "user_id", "event_id", "is_admin", "next"]),
            field_value([]),
            max_size=2,
        ),
        language=st.sampled_from(["en", "ja"]),
        choose=st.randoms(use_true_random=False),
    )
    def post_hostile_body(values, extra, language, choose):
        world.choose = choose.choice
        _start(client, user_id, language)
        savepoint = connection.begin_nested()
        try:
            before = snapshot(connection)
            body = [
                ("csrf_token", token),
                *_as_body(values),
                *[(n, v) for n, v in _as_body(extra) if n != "csrf_token"],
            ]
            response = _post(client, route.path(world), body, language)
            # A receipt answers with its PDF: binary, never read as a page.
            html = "" if response.mimetype == "application/pdf" else response.get_data(as_text=True)
            _assert_all_or_nothing(endpoint, body, response, client, changes(before, snapshot(connection)))
            sent_html = {f for v in values.values() for f in contains_html(v)}
            for fragment in HTML:
                assert fragment not in html, f"{endpoint} echoed {fragment!r} raw"
            if response.status_code == 200 and html:
                for name in route.echoed:
                    value = values.get(name)
                    if isinstance(value, str) and value in HTML:
                        assert str(escape(value)) in html, f"{endpoint} did not show {name} back escaped"
            elif response.status_code == 302 and sent_html:
                location = urlsplit(response.headers["Location"])
                if not location.netloc:
                    shown = client.get(location.path + ("?" + location.query if location.query else ""))
                    assert shown.status_code < 500
                    for fragment in HTML:
                        assert fragment not in shown.get_data(as_text=True), f"{location.path} shows {fragment!r} raw"
        finally:
            savepoint.rollback()

    try:
        post_hostile_body()
    finally:
        app.config["GROUPING_TIME_LIMIT"] = saved_limit


LEFT_OUT = settings(
    max_examples=8, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.mark.slow
@pytest.mark.parametrize("endpoint", sorted(endpoint for endpoint, route in ROUTES.items() if route.fields))
def test_any_fields_left_out_of_a_valid_body_never_break_or_half_write(app, client, world, endpoint):
    """A browser always sends every field; a broken client or a hand-made
    request may leave any of them out. Each field alone, all of them, and
    subsets drawn at random, the rest valid (so the missing ones are reached)."""
    route = ROUTES[endpoint]
    connection = db.session().get_bind()
    token = csrf_token(client, "/")
    user_id = None if route.role == "anonymous" else getattr(world, route.role)
    names = sorted(route.fields)
    world.choose = lambda options: options[0]

    def post_without(kept, omitted):
        _start(client, user_id)
        savepoint = connection.begin_nested()
        try:
            before = snapshot(connection)
            body = [("csrf_token", token), *_as_body({n: v for n, v in kept.items() if n not in omitted})]
            response = _post(client, route.path(world), body)
            _assert_all_or_nothing(endpoint, body, response, client, changes(before, snapshot(connection)))
        finally:
            savepoint.rollback()

    test = given(
        kept=st.fixed_dictionaries({n: st.sampled_from(_valid(route, n, world)) for n in names}),
        omitted=st.sets(st.sampled_from(names), min_size=1),
    )(post_without)
    for valid in (0, -1):  # each field's first valid value (often empty), then its last (often filled in)
        kept = {n: _valid(route, n, world)[valid] for n in names}
        for omitted in [set(names), *({n} for n in names)]:
            test = example(kept=kept, omitted=omitted)(test)
    saved_limit = app.config["GROUPING_TIME_LIMIT"]
    app.config["GROUPING_TIME_LIMIT"] = 0.05
    try:
        LEFT_OUT(test)()
    finally:
        app.config["GROUPING_TIME_LIMIT"] = saved_limit
