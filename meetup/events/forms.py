"""Event forms: they check shape only (present, a number, not too long);
the rules (dates, sizes, capacity, goals) live in the services."""

from flask_babel import get_locale
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from meetup.accounts import industries
from meetup.accounts.forms import LANGUAGES, industry_choices
from meetup.accounts.models import EMAIL_MAX, NAME_MAX
from meetup.accounts.services.signups import READING_NOT_KANA, normalise_reading
from meetup.communities.models import NAME_MAX as COMMUNITY_NAME_MAX
from meetup.events import areas, goals, timezones
from meetup.events.models import (
    CONDUCT_EXTRA_MAX,
    DESCRIPTION_MAX,
    FEE_NOTE_MAX,
    FIRST_COME,
    INTRO_MAX,
    LOTTERY,
    MESSAGE_BODY_MAX,
    MESSAGE_SUBJECT_MAX,
    THEME_MAX,
    TITLE_MAX,
    URL_MAX,
    VENUE_MAX,
)
from meetup.events.queries.listings import EventSearch
from meetup.events.services.events import AREA_MISSING, TABLE_SIZE_DEFAULT, UNKNOWN_AREA, EventDetails
from meetup.events.services.registration import PICK_GOALS
from meetup.forms import Form, at_most
from meetup.i18n import lazy_gettext as _l
from meetup.rules.services import NEEDS_ACKNOWLEDGEMENT

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Any real event falls in these years; beyond them time-zone arithmetic overflows.
YEARS = (1900, 2999)


def _whole_number(label, **kwargs):
    return IntegerField(label, invalid_value_message=_l("Enter a whole number."), **kwargs)


def _within_years(field) -> None:
    if field.data is not None and not YEARS[0] <= field.data.year <= YEARS[1]:
        field.data = None
        raise ValueError(_l("Enter a date between the years %(first)d and %(last)d.", first=YEARS[0], last=YEARS[1]))


class LocalDateTimeField(DateTimeLocalField):
    """A datetime-local input, refusing garbage in the reader's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date and time.")) from None
        _within_years(self)


class LocalDateField(DateField):
    """A date input (yyyy-mm-dd), refusing garbage in the reader's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date, for example 2026-04-10.")) from None
        _within_years(self)


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (works without JavaScript)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _when(label, required=True):
    checks = [InputRequired(_l("Enter a date and time."))] if required else [Optional()]
    return LocalDateTimeField(label, format=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S"], validators=checks)


TABLES_BY_SIZE, TABLES_BY_COUNT = "size", "count"


def area_choices(empty_label) -> list[SelectChoice]:
    """The area select: an empty first option, online, then the 47 prefectures, named in the reader's language."""
    return [SelectChoice("", empty_label)] + [
        SelectChoice(code, name) for code, name in areas.choices(str(get_locale() or "en"))
    ]


# The community select's value when the host starts a new one instead.
NEW_COMMUNITY = "new"


class EventForm(Form):
    # Choices: the communities the host runs (set by the view), then NEW_COMMUNITY.
    community_id = SelectField(_l("This evening belongs to"), validate_choice=False)
    new_community = StringField(_l("New community's name"), validators=[at_most(COMMUNITY_NAME_MAX)])

    def validate_new_community(self, field):
        others = [choice for choice in self.community_id.choices or [] if choice.value != NEW_COMMUNITY]
        if self.community_id.data == NEW_COMMUNITY and others and not (field.data or "").strip():
            raise ValidationError(_l("Name the new community, or choose one of yours."))

    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the event a title.")), at_most(TITLE_MAX)])
    theme = StringField(_l("Theme"), validators=[at_most(THEME_MAX)])
    description = TextAreaField(_l("Description"), validators=[at_most(DESCRIPTION_MAX)])
    timezone = SelectField(
        _l("Time zone"),
        choices=[SelectChoice(zone, zone) for zone in timezones.CHOICES],
        default=timezones.DEFAULT,
        validate_choice=False,
    )
    starts_at = _when(_l("Starts"))
    ends_at = _when(_l("Ends"))
    registration_deadline = _when(_l("Registration deadline"), required=False)
    venue = StringField(_l("Venue address"), validators=[at_most(VENUE_MAX)])
    area = SelectField(
        _l("Area"),
        choices=lambda: area_choices(_l("Choose the prefecture, or online")),
        validators=[InputRequired(AREA_MISSING)],
        validate_choice=False,  # the service refuses an unknown area, in words
    )
    online_url = URLField(_l("Online link"), validators=[at_most(URL_MAX)])
    capacity = _whole_number(_l("Capacity"), default=30, validators=[InputRequired(_l("Enter a whole number."))])
    fee_yen = _whole_number(
        _l("Fee paid at the door (¥, tax included; 0 = free)"),
        default=0,
        validators=[InputRequired(_l("Enter a whole number."))],
    )
    fee_note = StringField(_l("Note beside the fee (optional)"), validators=[at_most(FEE_NOTE_MAX)])
    # One rule for the tables, never two numbers that could disagree: the
    # host sets how many sit at a table, or how many tables there are.
    table_rule = RadioField(
        _l("Tables"),
        choices=[
            SelectChoice(TABLES_BY_SIZE, _l("People per table")),
            SelectChoice(TABLES_BY_COUNT, _l("Number of tables")),
        ],
        default=TABLES_BY_SIZE,
        validate_choice=False,
    )
    table_number = _whole_number(
        _l("How many"), default=TABLE_SIZE_DEFAULT, validators=[InputRequired(_l("Enter a whole number."))]
    )
    rounds = _whole_number(_l("Rounds"), default=3, validators=[InputRequired(_l("Enter a whole number."))])
    goals = CheckboxesField(
        _l("Goals attendees may pick"),
        choices=lambda: [SelectChoice(code, name) for code, name in goals.CATALOGUE.items()],
        default=list(goals.CATALOGUE),
        validate_choice=False,
    )
    custom_goals = TextAreaField(_l("Goals of your own (one per line)"), validators=[at_most(400)])
    meet_again_days = _whole_number(
        _l("Meet-again window (days)"), default=3, validators=[InputRequired(_l("Enter a whole number."))]
    )
    conduct_extra = TextAreaField(
        _l("Extra lines for this event's code of conduct"), validators=[at_most(CONDUCT_EXTRA_MAX)]
    )

    # How seats are given: first come, or a lottery drawn at ``draw_at`` (meetup.events.services.lottery).
    admission = RadioField(
        _l("How seats are given"),
        choices=[
            SelectChoice(FIRST_COME, _l("First come: a seat while one is free, then the waitlist")),
            SelectChoice(LOTTERY, _l("Lottery: applications until the draw, then seats by lot")),
        ],
        default=FIRST_COME,
        validate_choice=False,  # the service refuses anything else, in words
    )
    draw_at = _when(_l("Time of the draw"), required=False)

    def validate_table_rule(self, field):
        if field.data not in (TABLES_BY_SIZE, TABLES_BY_COUNT):
            raise ValidationError(_l("Choose people per table or a number of tables."))


def _pick_goals(form, field):
    if not goals.MIN_PICKS <= len(set(field.data or [])) <= goals.MAX_PICKS:
        raise ValidationError(PICK_GOALS)


class RegistrationForm(Form):
    """Checks every answer at once, so one submit shows every problem; the
    service checks again (and what only it knows: offered goals, seats)."""

    goals = CheckboxesField(
        _l("Your goals for the evening (pick 1 to 3)"), choices=[], validate_choice=False, validators=[_pick_goals]
    )
    intro = StringField(_l("One line for your tablemates: today I would like to…"), validators=[at_most(INTRO_MAX)])
    acknowledge = BooleanField(
        _l("I have read the code of conduct and will follow it."),
        default=False,
        validators=[DataRequired(NEEDS_ACKNOWLEDGEMENT)],
    )
    # Never ticked until the person ticks it; its label names the community (``offer``).
    follow = BooleanField(_l("Follow this community to hear of its new evenings"), default=False)

    def offer(self, event):
        """The checkboxes are the goals this event offers, in its order; the
        follow box names the evening's community."""
        self.goals.choices = [SelectChoice(code, goals.goal_name(code, event.custom_goals)) for code in event.goals]
        if event.community is not None:
            self.follow.label.text = _l(
                "Follow %(community)s to hear of its new evenings", community=event.community.name
            )
        return self


class AcknowledgeForm(Form):
    acknowledge = BooleanField(_l("I have read the code of conduct and will follow it."))


class CheckInSearchForm(Form):
    class Meta:
        csrf = False  # a GET search; it changes nothing

    q = SearchField(_l("Name"), validators=[at_most(80)])


KEYWORD_MAX = 100


class EventSearchForm(Form):
    """The events list's search, sent as a GET (``from``, ``to``: dates where each evening takes place)."""

    class Meta:
        csrf = False  # a search changes nothing

    q = SearchField(_l("Keyword"), validators=[at_most(KEYWORD_MAX)])
    first_day = LocalDateField(_l("From date"), name="from", validators=[Optional()])
    last_day = LocalDateField(_l("Until date"), name="to", validators=[Optional()])
    area = SelectField(_l("Area"), choices=lambda: area_choices(_l("Anywhere")), validate_choice=False)

    def validate_area(self, field):
        if field.data and field.data not in areas.CODES:
            raise ValidationError(UNKNOWN_AREA)

    def validate_last_day(self, field):
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_l("The end of the range comes before its start."))

    def search(self, theme: str = "") -> EventSearch:
        return EventSearch(
            keyword=self.q.data or "",
            first_day=self.first_day.data,
            last_day=self.last_day.data,
            area=self.area.data or "",
            theme=theme,
        )

    def filters(self) -> dict[str, str]:
        """The filters as they were typed, for links that keep them (pages, themes)."""
        return {
            name: value
            for name, value in (
                ("q", self.q.data or ""),
                ("from", self.first_day.raw_data[0] if self.first_day.raw_data else ""),
                ("to", self.last_day.raw_data[0] if self.last_day.raw_data else ""),
                ("area", self.area.data or ""),
            )
            if value
        }


class WalkInForm(Form):
    """Someone the host adds at the door. Checks shape; the service decides
    the rest (an account for the address, seats, the door's hours)."""

    display_name = StringField(
        _l("Name"),
        render_kw={"autocomplete": "off"},
        validators=[
            DataRequired(_l("Enter the person's name.")),
            Length(max=NAME_MAX, message=_l("Names are at most %(max)d characters.", max=NAME_MAX)),
        ],
    )
    name_reading = StringField(
        _l("Reading (フリガナ)"),
        render_kw={"autocomplete": "off", "lang": "ja"},
        validators=[at_most(NAME_MAX)],
    )
    industry = SelectField(
        _l("Industry or profession"),
        choices=industry_choices,
        validators=[DataRequired(_l("Choose an industry or profession."))],
        validate_choice=True,
    )
    industry_other = StringField(_l("If other, which?"), validators=[at_most(NAME_MAX)])
    email = EmailField(
        _l("Email (optional)"),
        render_kw={"autocomplete": "off"},
        validators=[
            Optional(),
            Length(max=EMAIL_MAX, message=_l("That email address is too long.")),
            Email(_l("Enter a valid email address."), check_deliverability=False),
        ],
    )
    language = SelectField(_l("Language of their mail"), choices=LANGUAGES)
    acknowledge = BooleanField(
        _l("They have read and accepted the code of conduct"),
        default=False,
        validators=[DataRequired(_l("Tick the box once they have read and accepted the code of conduct."))],
    )
    beyond_capacity = BooleanField(_l("Seat them beyond capacity"), default=False)

    def validate_name_reading(self, field):
        if normalise_reading(field.data) is None:
            raise ValidationError(READING_NOT_KANA)

    def validate_industry_other(self, field):
        if self.industry.data == industries.OTHER and not field.data:
            raise ValidationError(_l("Enter their industry or profession."))


class DoorPaymentForm(Form):
    """What someone paid at the door: the evening's fee, unless the host typed another amount."""

    amount = _whole_number(_l("Amount received (¥)"), validators=[Optional()])


class TicketCodeForm(Form):
    """The code of a ticket, as the door's camera read it or someone typed it."""

    code = StringField(_l("Ticket code"), validators=[DataRequired(_l("Enter the code on the ticket.")), at_most(40)])


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def event_details(form: EventForm):
    """The form's answers as the service takes them (times converted to UTC)."""
    # An unknown zone is refused by the service; convert with the default meanwhile.
    zone = form.timezone.data if form.timezone.data in timezones.CHOICES else timezones.DEFAULT
    catalogue_goals = [code for code in form.goals.data or [] if not code.startswith(goals.CUSTOM_PREFIX)]
    deadline = form.registration_deadline.data
    return EventDetails(
        title=form.title.data or "",
        theme=form.theme.data or "",
        description=form.description.data or "",
        timezone=form.timezone.data,
        starts_at=timezones.to_utc(form.starts_at.data, zone),
        ends_at=timezones.to_utc(form.ends_at.data, zone),
        registration_deadline=timezones.to_utc(deadline, zone) if deadline else None,
        venue=form.venue.data or "",
        area=form.area.data or None,
        online_url=form.online_url.data or "",
        capacity=form.capacity.data,
        fee_yen=form.fee_yen.data,
        fee_note=form.fee_note.data or "",
        table_size=form.table_number.data if form.table_rule.data == TABLES_BY_SIZE else None,
        table_count=form.table_number.data if form.table_rule.data == TABLES_BY_COUNT else None,
        rounds=form.rounds.data,
        meet_again_days=form.meet_again_days.data,
        goals=catalogue_goals,
        custom_goals=_lines(form.custom_goals.data),
        conduct_extra=form.conduct_extra.data or "",
        admission=form.admission.data or "",
        draw_at=timezones.to_utc(form.draw_at.data, zone) if form.draw_at.data else None,
        **_community_choice(form),
    )


def _community_choice(form: EventForm) -> dict:
    """The community picked (an id; -1 for junk, which the service refuses) or a new one's name."""
    chosen = form.community_id.data or ""
    if chosen == NEW_COMMUNITY or not chosen:
        return {"community_id": None, "new_community": form.new_community.data or ""}
    return {"community_id": int(chosen) if chosen.isdigit() else -1, "new_community": ""}


def offer_communities(form: EventForm, communities, event=None) -> None:
    """Fill the community select: the host's communities, then "a new community"."""
    form.community_id.choices = [SelectChoice(str(c.id), c.name) for c in communities] + [
        SelectChoice(NEW_COMMUNITY, _l("A new community (name it below)"))
    ]
    if form.community_id.data is None or form.community_id.data == "None":
        current = event.community_id if event is not None else None
        form.community_id.data = str(current or (communities[0].id if communities else NEW_COMMUNITY))


def fill_event_form(form: EventForm, event) -> None:
    """Show a saved event in the form (made with obj=event), times in its zone."""
    for name in ("starts_at", "ends_at", "registration_deadline", "draw_at"):
        if getattr(event, name) is not None:
            getattr(form, name).data = timezones.to_local(getattr(event, name), event.timezone).replace(tzinfo=None)
    form.table_rule.data = TABLES_BY_COUNT if event.table_count else TABLES_BY_SIZE
    form.table_number.data = event.table_count or event.table_size
    form.goals.data = [code for code in event.goals if code in goals.CATALOGUE]
    labels = {goal["code"]: goal["label"] for goal in event.custom_goals}
    form.custom_goals.data = "\n".join(labels[code] for code in event.goals if code in labels)


class HostMessageForm(Form):
    """A host's message to an evening's attendees (meetup.events.services.messages)."""

    subject = StringField(
        _l("Subject"),
        validators=[DataRequired(_l("Write a subject.")), at_most(MESSAGE_SUBJECT_MAX)],
    )
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(_l("Write your message.")), at_most(MESSAGE_BODY_MAX)],
    )
    include_waitlist = BooleanField(_l("Also send it to the waitlist"))
