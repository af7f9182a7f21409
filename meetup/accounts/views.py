"""Account pages: sign up, log in and out, profile, contact details, password,
deletion and the language switch."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from meetup.accounts import login_delays, services
from meetup.accounts.forms import (
    ContactsForm,
    LanguageForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    SignupForm,
)
from meetup.accounts.industries import industry_name
from meetup.errors import DomainError
from meetup.extensions import limiter
from meetup.timeutil import utcnow
from meetup.web import apply_error, fresh_session, no_store, safe_next_url

bp = Blueprint("accounts", __name__)


def _login_account() -> str:
    return services.normalise_email(request.form.get("email", ""))[:254]


def _login_pair_key() -> str:
    return f"login-pair:{get_remote_address()}:{_login_account()}"


def _failed(response) -> bool:
    # A successful log-in redirects; only failures count against the limits.
    return response.status_code != 302


def _log_in(user, *, remember: bool = False) -> None:
    services.start_login_session(user, now=utcnow())
    fresh_session()
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = SignupForm()
    if request.method == "GET":
        # Mail goes out in the account's language: start from the one in use.
        form.language.data = str(get_locale())
    if form.validate_on_submit():
        try:
            user = services.sign_up(
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
                industry=form.industry.data,
                industry_other=form.industry_other.data,
                introduction=form.introduction.data,
                language=form.language.data or None,
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            _log_in(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/signup.html", form=form)


# Failed log-ins are limited three ways (config.py has the numbers): per
# address, generously, so a venue behind one shared address is never paused
# as a whole; per account and address, so one address cannot keep guessing
# one account; and per account from anywhere, by pauses of seconds that grow
# (login_delays), so no one can lock the owner out of their own account.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed,
    key_func=_login_pair_key,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = LoginForm()
    if form.validate_on_submit():
        account = services.normalise_email(form.email.data)
        wait = login_delays.seconds_to_wait(account)
        if wait:
            form.password.errors.append(
                ngettext(
                    "For your safety, log-ins to this account are paused for a moment. Please try again in a second.",
                    "For your safety, log-ins to this account are paused for a moment. "
                    "Please try again in %(num)d seconds.",
                    wait,
                )
            )
            response = current_app.make_response((render_template("accounts/login.html", form=form), 429))
            response.headers["Retry-After"] = str(wait)
            return response
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_delays.record_success(account)
            _log_in(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))
        login_delays.record_failure(account)
        form.password.errors.append(_("That email and password do not match an account."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_login_session(current_user.login_session_id)
    fresh_session()
    logout_user()  # after the fresh session: it marks the remember cookie for removal
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.get("/profile")
@login_required
def profile():
    return render_template(
        "accounts/profile.html",
        user=current_user,
        industry=industry_name(current_user.industry, current_user.industry_other),
    )


@bp.route("/profile/edit", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.language.data = current_user.language or ""
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                display_name=form.display_name.data,
                industry=form.industry.data,
                industry_other=form.industry_other.data,
                introduction=form.introduction.data,
                language=form.language.data or None,
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/edit_profile.html", form=form)


@bp.route("/profile/contacts", methods=["GET", "POST"])
@login_required
def contacts():
    form = ContactsForm(obj=current_user.contacts)
    if form.validate_on_submit():
        services.update_contacts(current_user, form.data)
        flash(_("Your contact details are saved."), "success")
        return redirect(url_for("accounts.contacts"))
    return no_store(render_template("accounts/contacts.html", form=form))


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                keep_session=current_user.login_session_id,
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Your password is changed. You are logged out everywhere else."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            services.set_language(current_user, form.language.data)
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
