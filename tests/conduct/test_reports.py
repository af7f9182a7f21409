"""Reporting through the service: after attending, about someone who was
there, once per person and event; the host hears of it, nobody else."""

import pytest
from sqlalchemy import select

from meetup.conduct import queries
from meetup.conduct.services import reports
from meetup.errors import DomainError, NotAllowedError, NotFoundError
from meetup.events.queries.events import registration_of
from meetup.events.services.checkin import undo_check_in
from meetup.extensions import db
from meetup.rules.models import Report
from meetup.rules.queries import is_forbidden
from tests.events.helpers import mails


def test_an_attendee_reports_a_tablemate_and_the_host_is_told(attended, file_report, host):
    event, users = attended
    report = file_report(event, users[0], users[1], round_=1, table_no=0)
    assert (report.status, report.category, report.round, report.table_no) == ("open", "selling", 1, 0)
    assert is_forbidden(users[0].id, users[1].id)
    [mail] = mails("conduct-report-received")
    assert mail.recipient_id == host.id
    assert f"/events/{event.id}/reports" in mail.body
    assert users[0].display_name not in mail.body and users[1].display_name not in mail.body
    assert {m.kind for m in mails(to=users[1])} == {"registration-confirmed", "tables-published"}, "nothing about it"


def test_one_report_per_reporter_person_and_event(attended, file_report):
    event, users = attended
    file_report(event, users[0], users[1])
    with pytest.raises(reports.AlreadyReportedError):
        file_report(event, users[0], users[1], category="harassment")
    file_report(event, users[1], users[0])  # the other way round is another report
    file_report(event, users[0], users[2])
    assert db.session.scalar(select(db.func.count()).select_from(Report)) == 3


def test_only_after_both_attended(attended, file_report, host, now):
    event, users = attended
    undo_check_in(host, event.id, registration_of(users[1].id, event.id).id, now=now)
    with pytest.raises(NotAllowedError):
        file_report(event, users[0], users[1])
    with pytest.raises(NotAllowedError):
        file_report(event, users[1], users[0])


def test_not_about_strangers_or_oneself(attended, file_report, make_user):
    event, users = attended
    stranger = make_user()
    for reporter, reported in ((users[0], stranger), (stranger, users[0]), (users[0], users[0])):
        with pytest.raises(NotFoundError):
            file_report(event, reporter, reported)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"category": "spam"}, "category"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"round_": 2}, "round"),  # the evening has rounds 0 and 1
        ({"round_": -1}, "round"),
        ({"table_no": 500}, "table_no"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(attended, file_report, fields, field):
    event, users = attended
    with pytest.raises(DomainError) as refused:
        file_report(event, users[0], users[1], **fields)
    assert refused.value.field == field
    assert db.session.scalar(select(Report)) is None


def test_my_reports_lists_only_ones_own(attended, file_report):
    event, users = attended
    file_report(event, users[0], users[1])
    file_report(event, users[2], users[0])
    [mine] = queries.my_reports(users[0])
    assert (mine.person.id, mine.event.id) == (users[1].id, event.id)
