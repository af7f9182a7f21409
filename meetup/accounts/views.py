"""Account pages: sign up, confirm an address, log in and out, a forgotten
password, profile, contact details, mail settings and the one-click
unsubscribe link, password, address change, deletion and the language switch."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from meetup.accounts import login_delays
from meetup.accounts.forms import (
    ButtonForm,
    ContactsForm,
    EmailChangeForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    MailTopicsForm,
    PasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SignupForm,
)
from meetup.accounts.industries import industry_name
from meetup.accounts.services import credentials, login_sessions, password_reset, settings, signups
from meetup.errors import DomainError
from meetup.extensions import csrf, limiter
from meetup.mail.services import preferences
from meetup.mail.topics import TOPICS
from meetup.timeutil import utcnow
from meetup.web import apply_error, fresh_session, me, no_store, per_account, safe_next_url

bp = Blueprint("accounts", __name__)


def _login_account() -> str:
    return credentials.normalise_email(request.form.get("email", ""))[:254]


def _login_pair_key() -> str:
    return f"login-pair:{get_remote_address()}:{_login_account()}"


def _mail_recipient_key() -> str:
    return f"account-mail:{_login_account()}"


def _next() -> str | None:
    """Where to go once done: an on-site path from ``?next=``, else None."""
    return safe_next_url(request.args.get("next"))


def _failed(response) -> bool:
    # A successful log-in redirects; only failures count against the limits.
    return response.status_code != 302


def _log_in(user, *, remember: bool = False) -> None:
    login_sessions.start_login_session(user, now=utcnow())
    fresh_session()
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(_next() or url_for("accounts.profile"))
    form = SignupForm()
    if request.method == "GET":
        # Mail goes out in the account's language: start from the one in use.
        form.language.data = str(get_locale())
    if form.validate_on_submit():
        try:
            signups.sign_up(
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
                industry=form.industry.data,
                industry_other=form.industry_other.data,
                introduction=form.introduction.data,
                language=form.language.data or None,
                next_url=_next(),
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            # The same answer whether or not the address had an account: the
            # mail says which.
            session["mail_sent_to"] = credentials.normalise_email(form.email.data)
            return redirect(url_for("accounts.check_mail"))
    return render_template("accounts/signup.html", form=form, next_url=_next())


@bp.get("/signup/check-your-mail")
def check_mail():
    return render_template("accounts/check_mail.html", address=session.get("mail_sent_to"))


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows a button, POST confirms: a mail scanner that opens the link
    changes nothing."""
    form = ButtonForm()
    try:
        if form.validate_on_submit():
            user = signups.confirm_email(token, now=utcnow())
        else:
            user, address = signups.read_confirmation(token, now=utcnow())
            return render_template("accounts/confirm_email.html", form=form, address=address)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))
    flash(_("Thank you: your email address %(email)s is confirmed.", email=user.email), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(_next() or url_for("accounts.profile"))
    flash(_("Log in to continue."), "info")
    return redirect(url_for("accounts.login", next=_next()))


@bp.post("/profile/confirm-email/resend")
@login_required
@limiter.limit(lambda: current_app.config["ACCOUNT_MAIL_LIMIT_PER_RECIPIENT"], key_func=per_account)
def resend_confirmation():
    next_url = safe_next_url(request.form.get("next"))
    if ButtonForm().validate_on_submit():
        try:
            signups.resend_confirmation(me(), next_url=next_url)
        except DomainError as error:
            flash(error.message, "info")
        else:
            flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(next_url or url_for("accounts.profile"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ACCOUNT_MAIL_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["ACCOUNT_MAIL_LIMIT_PER_RECIPIENT"], methods=["POST"], key_func=_mail_recipient_key
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_password_reset(form.email.data, next_url=_next())
        session["mail_sent_to"] = credentials.normalise_email(form.email.data)
        return redirect(url_for("accounts.reset_mail_sent"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.get("/password/forgot/check-your-mail")
def reset_mail_sent():
    return render_template("accounts/reset_mail_sent.html", address=session.get("mail_sent_to"))


def _reset_page(form, user, claiming: bool) -> str:
    return render_template("accounts/reset_password.html", form=form, email=user.email, claiming=claiming)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    try:
        user = password_reset.user_for_reset(token, now=utcnow())
        # A walk-in's account, made at the door, is claimed by choosing its first password here.
        claiming = not user.has_password
        if form.validate_on_submit():
            user = password_reset.reset_password(token, new_password=form.password.data, now=utcnow())
        else:
            return no_store(_reset_page(form, user, claiming))
    except signups.LinkError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.forgot_password"))
    except DomainError as error:
        apply_error(form, error)
        return no_store(_reset_page(form, user, claiming))
    if current_user.is_authenticated:
        login_sessions.end_login_session(current_user.login_session_id)
    _log_in(user)
    if claiming:
        flash(_("Your account is yours now: your password is set and you are logged in."), "success")
    else:
        flash(_("Your new password is set and you are logged in. Every other log-in has ended."), "success")
    return redirect(_next() or url_for("main.index"))


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
        account = credentials.normalise_email(form.email.data)
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
            page = render_template("accounts/login.html", form=form, next_url=_next())
            response = current_app.make_response((page, 429))
            response.headers["Retry-After"] = str(wait)
            return response
        user = credentials.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_delays.record_success(account)
            _log_in(user, remember=form.remember.data)
            return redirect(_next() or url_for("main.home"))
        login_delays.record_failure(account)
        form.password.errors.append(_("That email and password do not match an account."))
    return render_template("accounts/login.html", form=form, next_url=_next())


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        login_sessions.end_login_session(current_user.login_session_id)
    fresh_session()
    logout_user()  # after the fresh session: it marks the remember cookie for removal
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.get("/profile")
@login_required
def profile():
    off = preferences.topics_off(current_user.id)
    mail_form = MailTopicsForm(data={topic.field: topic.name not in off for topic in TOPICS.values()})
    return render_template(
        "accounts/profile.html",
        user=current_user,
        industry=industry_name(current_user.industry, current_user.industry_other),
        mail_form=mail_form,
        topics=TOPICS.values(),
    )


@bp.post("/profile/mail")
@login_required
def mail_settings():
    form = MailTopicsForm()
    if form.validate_on_submit():
        wanted = [topic.name for topic in TOPICS.values() if form[topic.field].data]
        preferences.choose_topics(current_user.id, wanted, now=utcnow())
        flash(_("Your mail settings are saved."), "success")
    return redirect(url_for("accounts.profile", _anchor="mail"))


def _unsubscribe_page(user, topic, *, done: bool):
    """The page in the language the mail was in, when the account has one."""
    with force_locale(user.language or str(get_locale())):
        return render_template("accounts/unsubscribe.html", topic=topic, done=done, form=ButtonForm())


def _dead_unsubscribe_link(error: DomainError):
    page = render_template("error.html", code=404, title=_("This link does not work"), text=error.message)
    return page, 404


@bp.get("/mail/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """Says which mail the button turns off. A GET changes nothing: mail
    scanners open every link they find."""
    try:
        user, topic = settings.read_unsubscribe_link(token, now=utcnow())
    except DomainError as error:
        return _dead_unsubscribe_link(error)
    return _unsubscribe_page(user, topic, done=False)


# The page's button, and RFC 8058's one-click POST: a mail client posts
# "List-Unsubscribe=One-Click" with no cookie and no CSRF token, so the signed
# link is the only authority, and no rate limit may turn a mail provider away.
@bp.post("/mail/unsubscribe/<token>")
@csrf.exempt
@limiter.exempt
def unsubscribe(token: str):
    try:
        user, topic = settings.unsubscribe(token, now=utcnow())
    except DomainError as error:
        return _dead_unsubscribe_link(error)
    return _unsubscribe_page(user, topic, done=True)


@bp.route("/profile/edit", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.language.data = current_user.language or ""
    if form.validate_on_submit():
        try:
            settings.update_profile(
                current_user,
                display_name=form.display_name.data,
                industry=form.industry.data,
                industry_other=form.industry_other.data,
                introduction=form.introduction.data,
                language=form.language.data or None,
                name_reading=form.name_reading.data,
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
        settings.update_contacts(current_user, form.data)
        flash(_("Your contact details are saved."), "success")
        return redirect(url_for("accounts.contacts"))
    return no_store(render_template("accounts/contacts.html", form=form))


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            credentials.change_password(
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


@bp.route("/profile/email", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["ACCOUNT_MAIL_LIMIT_PER_RECIPIENT"], methods=["POST"], key_func=per_account)
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            signups.request_email_change(me(), new_email=form.email.data, password=form.password.data)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(
                _(
                    "We sent a link to %(email)s. Your address changes when you follow it (within 24 hours).",
                    email=credentials.normalise_email(form.email.data),
                ),
                "success",
            )
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_email.html", form=form)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            settings.set_language(current_user, form.language.data)
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
