"""The rules every domain checks, below them all: which code of conduct is
current and who accepted it for an event, who is banned from a host's events,
and which pairs of people are kept apart or matched.

Only records and the reads and writes of a single rule live here; the
actions around them (reporting, blocking, moderating, revealing matches)
belong to the domains above, which call down into this package.
"""
