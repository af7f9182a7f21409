"""Community pages: the public page with its evenings and hosts, and, for its
owner, the page to edit it and to add or remove co-hosts and door staff.
Anyone but the owner (and site admins) gets 404 on the owner's pages."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from meetup.communities import queries as communities
from meetup.communities import services
from meetup.communities.forms import CommunityForm, MemberForm
from meetup.communities.models import CO_HOST, DOOR, MANAGE, OWNER, Community
from meetup.communities.services import CommunityDetails
from meetup.errors import DomainError, NotFoundError
from meetup.events import queries
from meetup.extensions import db, limiter
from meetup.timeutil import utcnow
from meetup.web import apply_error, me, no_store, per_account

bp = Blueprint("communities", __name__, url_prefix="/communities")


@bp.get("/<int:community_id>")
def show(community_id: int):
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFoundError(communities.COMMUNITY_NOT_FOUND)
    upcoming, past = queries.community_evenings(community.id, utcnow())
    return render_template(
        "communities/show.html",
        community=community,
        hosts=communities.hosts(community.id),
        upcoming=upcoming,
        past=past,
        owns=communities.role_in(current_user, community.id) == OWNER,
        manages=communities.may(current_user, community.id, MANAGE),
    )


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
