"""The page that deletes an account and the person's data everywhere."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required, logout_user

from meetup.accounts.forms import DeleteAccountForm
from meetup.errors import DomainError
from meetup.privacy import services
from meetup.timeutil import utcnow
from meetup.web import apply_error, fresh_session, me

bp = Blueprint("privacy", __name__)


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(me(), password=form.password.data, now=utcnow())
        except DomainError as error:
            apply_error(form, error)
        else:
            fresh_session()
            logout_user()
            flash(_("Your account and your personal data are deleted."), "info")
            return redirect(url_for("main.index"))
    return render_template("accounts/delete.html", form=form)
