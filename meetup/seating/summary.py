"""The host's tables in one sentence: what a seating does for the evening, in
words a host reads at a glance. Pairs count once however many rounds they
share (the score's breakdown counts every round; the page shows it as a detail).

Pairs who asked to meet again appear only as the evening's count, never who.
"""

from collections import Counter
from itertools import combinations

from babel.lists import format_list
from flask_babel import get_locale

from meetup.i18n import LazyPlural, LazyText, lazy_ngettext
from meetup.i18n import lazy_gettext as _l
from meetup.seating.queries.tables import SeatingView


def summary_parts(view: SeatingView) -> list[LazyText | LazyPlural]:
    """The sentence's parts: reunions, familiar faces, industries, repeats."""
    parts: list[LazyText | LazyPlural] = []
    reunited = view.mutual_pairs_reunited
    if reunited:
        parts.append(
            lazy_ngettext(
                "%(num)d pair who asked to meet again is reunited",
                "%(num)d pairs who asked to meet again are reunited",
                reunited,
            )
        )
    elif view.mutual_pairs_present:
        parts.append(_l("no pairs who asked to meet again sit together"))
    else:
        parts.append(_l("no pairs asked to meet again"))

    familiar = view.familiar_pairs
    if familiar:
        parts.append(
            lazy_ngettext(
                "%(num)d pair who met before sits together again",
                "%(num)d pairs who met before sit together again",
                familiar,
            )
        )
    else:
        parts.append(_l("nobody sits with someone they met before"))

    # A table in one round, as the cards show it: "(1 pair shares one)".
    same_industry = sum(1 for round_ in view.rounds for table in round_.tables if table.same_industry_pairs)
    if same_industry:
        parts.append(
            lazy_ngettext(
                "%(num)d table has two people of the same industry",
                "%(num)d tables have two people of the same industry",
                same_industry,
            )
        )
    else:
        parts.append(_l("industries are mixed at every table"))

    if len(view.rounds) > 1:
        together = Counter(
            frozenset((a.user_id, b.user_id))
            for round_ in view.rounds
            for table in round_.tables
            for a, b in combinations(table.people, 2)
        )
        twice = sum(1 for rounds in together.values() if rounds > 1)
        if twice:
            parts.append(
                lazy_ngettext(
                    "%(num)d pair meets more than once tonight", "%(num)d pairs meet more than once tonight", twice
                )
            )
        else:
            parts.append(_l("nobody meets anyone twice"))
    return parts


def summary_sentence(view: SeatingView) -> str:
    """The parts as one sentence in the reader's language ("a, b, and c." / "a、b、c。")."""
    listed = format_list([str(part) for part in summary_parts(view)], locale=get_locale())
    return str(_l("%(parts)s.", parts=listed[:1].upper() + listed[1:]))
