"""Receipt pages: an attendee's own receipt for the fee they paid at the door
(issued once, to the addressee they type; every later download a copy marked
再発行), all of an evening's receipts at once for its hosts, and a community's
issuer details for its owner and co-hosts. Issuing changes what is recorded,
so every download is a POST; nobody reaches anyone else's receipt (404)."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetup.communities.queries import managed_community
from meetup.errors import DomainError, NotFoundError
from meetup.events.queries.events import EVENT_NOT_FOUND, managed_event, registration_of, visible_event
from meetup.receipts import queries
from meetup.receipts.forms import IssuerForm, ReceiptForm
from meetup.receipts.pdf import receipts_pdf
from meetup.receipts.services import issuing
from meetup.receipts.services.issuer import IssuerDetails, update_issuer
from meetup.timeutil import utcnow
from meetup.web import apply_error, me, no_store

bp = Blueprint("receipts", __name__)


def _addressee_form(registration) -> ReceiptForm:
    """Prefilled with the person's name and 様, which they may change (e.g. to 株式会社〇〇 御中)."""
    return ReceiptForm(formdata=None, addressee=f"{registration.user.display_name} 様")


@bp.app_template_global("receipt_box")
def receipt_box(registration) -> dict | None:
    """For the event page: what an attendee who paid can do about a receipt
    (None when there is nothing to pay for or nothing was paid)."""
    if not queries.paid(registration):
        return None
    receipt = queries.receipt_of(registration.id)
    return {"receipt": receipt, "form": None if receipt else _addressee_form(registration)}


def _pdf(receipts, filename: str):
    pages = queries.receipt_pages(receipts)
    config = current_app.config
    body = receipts_pdf(pages, font=config["RECEIPT_FONT"], bold_font=config["RECEIPT_BOLD_FONT"])
    return no_store(
        (
            body,
            200,
            {"Content-Type": "application/pdf", "Content-Disposition": f'attachment; filename="{filename}"'},
        )
    )


def _receipt_pdf(receipt):
    return _pdf([receipt], f"receipt-{receipt.community_id}-{receipt.number}.pdf")


def _own_registration(event_id: int):
    event = visible_event(current_user, event_id)
    registration = registration_of(current_user.id, event.id)
    if registration is None:
        raise NotFoundError(EVENT_NOT_FOUND)
    return event, registration


@bp.route("/events/<int:event_id>/receipt", methods=["GET", "POST"])
@login_required
def attendee_receipt(event_id: int):
    """The attendee's receipt: the addressee to type the first time (the POST
    answers with the PDF), then what it says and a copy to download."""
    event, registration = _own_registration(event_id)
    form = ReceiptForm()
    if form.validate_on_submit():
        try:
            receipt = issuing.issue_receipt(me(), event.id, form.addressee.data, now=utcnow())
        except DomainError as error:
            apply_error(form, error)
        else:
            return _receipt_pdf(receipt)
    elif not form.is_submitted():
        form = _addressee_form(registration)
    refusal = issuing.why_no_receipt(event, registration)
    return no_store(
        render_template(
            "receipts/receipt.html",
            event=event,
            form=form,
            refusal=refusal,
            receipt=None if refusal else queries.receipt_of(registration.id),
        )
    )


@bp.post("/events/<int:event_id>/receipt/copy")
@login_required
def copy(event_id: int):
    try:
        receipt = issuing.copy_receipt(me(), event_id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("receipts.attendee_receipt", event_id=event_id))
    return _receipt_pdf(receipt)


@bp.post("/events/<int:event_id>/receipts.pdf")
@login_required
def evening(event_id: int):
    """For the evening's hosts (not door staff): everyone's receipt, a page each."""
    event = managed_event(current_user, event_id)
    try:
        receipts = issuing.issue_evening_receipts(me(), event.id, now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("events.dashboard", event_id=event.id))
    return _pdf(receipts, f"receipts-event-{event.id}.pdf")


@bp.route("/communities/<int:community_id>/issuer", methods=["GET", "POST"])
@login_required
def issuer(community_id: int):
    """Who issues the community's receipts: for its owner and co-hosts."""
    community = managed_community(current_user, community_id)
    form = IssuerForm(obj=community)
    if form.validate_on_submit():
        details = IssuerDetails(form.issuer_name.data, form.issuer_address.data or "", form.invoice_number.data)
        try:
            update_issuer(me(), community.id, details)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Your changes are saved. Receipts issued from now on show them."), "success")
            return redirect(url_for("receipts.issuer", community_id=community.id))
    return no_store(render_template("receipts/issuer.html", community=community, form=form))
