"""Community pages: the public page with its evenings and hosts, following
and unfollowing it (and one's own list of communities followed), and, for its
owner, the page to edit it, to add or remove co-hosts and door staff, to hand
it over to a co-host and to delete it while it holds no evening. Anyone but
the owner (and site admins) gets 404 on the owner's pages."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetup.communities import queries as communities
from meetup.communities import services
from meetup.communities.forms import CommunityForm, MemberForm
from meetup.communities.models import CO_HOST, DOOR, MANAGE, OWNER, Community
from meetup.communities.services import CommunityDetails
from meetup.errors import DomainError, NotFoundError
from meetup.events.queries import listings as listing_queries
from meetup.extensions import db, limiter
from meetup.timeutil import utcnow
from meetup.web import apply_error, me, no_store, per_account, safe_next_url

bp = Blueprint("communities", __name__, url_prefix="/communities")


@bp.get("/<int:community_id>")
def show(community_id: int):
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFoundError(communities.COMMUNITY_NOT_FOUND)
    evenings = listing_queries.community_evenings(community.id, utcnow())
    return render_template(
        "communities/show.html",
        community=community,
        hosts=communities.hosts(community.id),
        upcoming=evenings.upcoming,
        past=evenings.past,
        past_count=evenings.past_count,
        owns=communities.role_in(current_user, community.id) == OWNER,
        following=communities.follows(current_user, community.id),
        followers=communities.follower_count(community.id),
        manages=communities.may(current_user, community.id, MANAGE),
    )


def _back_to(community_id: int):
    """Where the follow button was pressed: an on-site ``next``, else the community's page."""
    return redirect(safe_next_url(request.form.get("next")) or url_for("communities.show", community_id=community_id))


@bp.post("/<int:community_id>/follow")
@login_required
def follow(community_id: int):
    community = services.follow(me(), community_id, now=utcnow())
    flash(
        _("You follow %(name)s. We will write to you when it publishes a new evening.", name=community.name),
        "success",
    )
    return _back_to(community.id)


@bp.post("/<int:community_id>/unfollow")
@login_required
def unfollow(community_id: int):
    community = services.unfollow(me(), community_id)
    flash(_("You no longer follow %(name)s.", name=community.name), "info")
    return _back_to(community.id)


@bp.get("/following")
@login_required
def following():
    """The communities the person follows, each with its unfollow button."""
    return render_template("communities/following.html", communities=communities.followed_communities(current_user.id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = CommunityForm()
    if form.validate_on_submit():
        details = CommunityDetails(form.name.data, form.description.data or "")
        try:
            community = services.create_community(me(), details, now=utcnow())
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Your community is created. Its evenings will be listed on its page."), "success")
            return redirect(url_for("communities.edit", community_id=community.id))
    return render_template("communities/edit.html", form=form, community=None)


def _edit_page(community, form, member_form):
    return no_store(
        render_template(
            "communities/edit.html",
            community=community,
            form=form,
            member_form=member_form,
            members=communities.members(community.id),
            role_names={CO_HOST: _("Co-host"), DOOR: _("Door staff"), OWNER: _("Owner")},
        )
    )


@bp.route("/<int:community_id>/edit", methods=["GET", "POST"])
@login_required
def edit(community_id: int):
    community = communities.owned_community(current_user, community_id)
    form = CommunityForm(obj=community)
    if form.validate_on_submit():
        details = CommunityDetails(form.name.data, form.description.data or "")
        try:
            services.update_community(me(), community.id, details)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("communities.edit", community_id=community.id))
    return _edit_page(community, form, MemberForm(formdata=None))


# An address typed here says whether it has an account: a few a day are plenty.
@bp.post("/<int:community_id>/members")
@login_required
@limiter.limit(lambda: current_app.config["TEAM_LIMIT"], key_func=per_account)
def add_member(community_id: int):
    community = communities.owned_community(current_user, community_id)
    member_form = MemberForm()
    if member_form.validate_on_submit():
        try:
            member = services.add_member(
                me(), community.id, email=member_form.email.data, role=member_form.role.data, now=utcnow()
            )
        except DomainError as error:
            apply_error(member_form, error)
        else:
            if member.role == CO_HOST:
                flash(_("%(name)s is now a co-host.", name=member.user.display_name), "success")
            else:
                flash(_("%(name)s now works the door.", name=member.user.display_name), "success")
            return redirect(url_for("communities.edit", community_id=community.id))
    return _edit_page(community, CommunityForm(formdata=None, obj=community), member_form)


@bp.post("/<int:community_id>/members/<int:user_id>/remove")
@login_required
def remove_member(community_id: int, user_id: int):
    communities.owned_community(current_user, community_id)
    services.remove_member(me(), community_id, user_id)
    flash(_("Removed. They no longer run this community's evenings."), "success")
    return redirect(url_for("communities.edit", community_id=community_id))


def _asks(question, consequences, action, confirm_label, community, refusal=None):
    back = url_for("communities.edit", community_id=community.id)
    return no_store(
        render_template(
            "confirm.html",
            question=question,
            consequences=consequences,
            refusal=refusal,
            action=action,
            confirm_label=confirm_label,
            back=back,
            back_label=_("Edit community"),
        )
    )


@bp.route("/<int:community_id>/members/<int:user_id>/owner", methods=["GET", "POST"])
@login_required
def hand_over(community_id: int, user_id: int):
    community = communities.owned_community(current_user, community_id)
    member = next((m for m in communities.members(community.id, (CO_HOST,)) if m.user_id == user_id), None)
    if member is None:
        raise NotFoundError(communities.COMMUNITY_NOT_FOUND)
    if request.method == "POST":
        try:
            services.hand_over(me(), community.id, user_id)
        except DomainError as error:  # no longer a co-host: removed a moment ago
            flash(str(error.message), "error")
            return redirect(url_for("communities.edit", community_id=community_id))
        flash(_("%(name)s now owns %(community)s.", name=member.user.display_name, community=community.name), "success")
        return redirect(url_for("communities.show", community_id=community.id))
    name = member.user.display_name
    return _asks(
        _("Hand %(community)s over to %(name)s?", community=community.name, name=name),
        [
            _("%(name)s becomes its owner: they edit it and choose who runs it with them.", name=name),
            _("You stay on as a co-host and keep running its evenings, unless the new owner removes you."),
            _("Only the new owner can hand it back."),
        ],
        url_for("communities.hand_over", community_id=community.id, user_id=user_id),
        _("Yes, hand it over"),
        community,
    )


@bp.route("/<int:community_id>/delete", methods=["GET", "POST"])
@login_required
def delete(community_id: int):
    community = communities.owned_community(current_user, community_id)
    if request.method == "POST":
        try:
            services.delete_community(me(), community.id)
        except DomainError as error:
            flash(str(error.message), "error")
            return redirect(url_for("communities.edit", community_id=community_id))
        flash(_("The community is deleted."), "success")
        return redirect(url_for("events.hosting"))
    refusal = services.EVENINGS_KEEP_IT if listing_queries.community_has_evenings(community.id) else None
    return _asks(
        _("Delete %(community)s?", community=community.name),
        [_("Its page, its description and its team go. Nobody is mailed.")],
        url_for("communities.delete", community_id=community.id),
        _("Yes, delete it"),
        community,
        refusal=refusal,
    )
