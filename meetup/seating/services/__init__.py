"""Seating operations for the host: form tables, regroup, move, swap, lock,
name tables, publish, start a round.

Each takes the acting user and the event id, checks the actor runs the event,
and changes the database in one transaction that holds the event's lock. The
engine runs before that transaction (it searches for seconds); only its
answer is written under the lock, so two host tabs never leave two drafts or
two published versions. Edits always apply to the draft: editing after
publishing first copies the published seating into a new draft, so the
published version stays what attendees were shown until the next publish.
Once a round has started, forming and regrouping keep everyone seated in it
where they sit; a host's own edit there asks first.
"""
