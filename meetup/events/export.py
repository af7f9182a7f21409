"""The attendee list as CSV for the host: UTF-8 with a BOM, so Excel in
Japan opens it without garbling names; headings in the reader's language."""

import csv
import io

from flask_babel import gettext as _

from meetup.accounts.industries import industry_name
from meetup.events import goals as goal_catalogue
from meetup.events import timezones
from meetup.events.models import APPLIED, CANCELLED, CASH, CONFIRMED, Event, Registration

# A cell starting with one of these is a formula to a spreadsheet; a leading
# apostrophe keeps an attendee's "=HYPERLINK(…)" intro plain text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def status_label(registration: Registration, position: int | None) -> str:
    if registration.status == CONFIRMED:
        return _("Confirmed")
    if registration.status == CANCELLED:
        return _("Cancelled")
    if registration.status == APPLIED:
        return _("Applied (lottery)")
    return _("Waitlisted (%(position)d)", position=position or 0)


def payment_label(registration: Registration) -> str:
    if registration.paid_at is None:
        return ""
    return _("In cash") if registration.payment_method == CASH else _("Another way")


def attendees_csv(
    event: Event, registrations: list[Registration], positions: dict[int, int], no_shows: dict[int, int]
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Name"),
            _("Industry or profession"),
            _("Status"),
            _("Goals"),
            _("Today I would like to…"),
            _("Registered"),
            _("Checked in"),
            _("Past no-shows"),
            _("Fee (¥)"),
            _("Paid (¥)"),
            _("Paid how"),
            _("Paid at"),
        ]
    )
    for r in registrations:
        writer.writerow(
            [
                _cell(value)
                for value in (
                    r.user.display_name,
                    industry_name(r.user.industry, r.user.industry_other),
                    status_label(r, positions.get(r.id)),
                    " / ".join(goal_catalogue.goal_name(code, event.custom_goals) for code in r.goals),
                    r.intro,
                    timezones.format_moment(r.registered_at, event.timezone),
                    timezones.format_moment(r.checked_in_at, event.timezone) if r.checked_in_at else "",
                    no_shows.get(r.user_id, 0),
                    event.fee_yen,
                    r.paid_amount if r.paid_at else "",
                    payment_label(r),
                    timezones.format_moment(r.paid_at, event.timezone) if r.paid_at else "",
                )
            ]
        )
    return out.getvalue().encode("utf-8-sig")
