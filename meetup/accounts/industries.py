"""The catalogue of industries and professions a member can choose from.

Codes are stored; names are shown in the reader's language. The licensed
professions (士業) come first because professionals' mixers are a core use.
"""

from flask_babel import gettext

from meetup.i18n import N_
from meetup.i18n import lazy_gettext as _l

OTHER = "other"

_PROFESSION_NAMES = {
    "lawyer": N_("Lawyer (bengoshi)"),
    "judicial-scrivener": N_("Judicial scrivener (shiho shoshi)"),
    "administrative-scrivener": N_("Administrative scrivener (gyosei shoshi)"),
    "tax-accountant": N_("Tax accountant (zeirishi)"),
    "cpa": N_("Certified public accountant"),
    "patent-attorney": N_("Patent attorney (benrishi)"),
    "labour-consultant": N_("Labour and social security attorney (sharoshi)"),
    "land-surveyor": N_("Land and house investigator"),
    "real-estate-appraiser": N_("Real estate appraiser"),
    "sme-consultant": N_("SME management consultant"),
    "financial-planner": N_("Financial planner"),
}

_INDUSTRY_NAMES = {
    "it": N_("IT and software"),
    "design": N_("Design and creative"),
    "marketing": N_("Marketing and advertising"),
    "media": N_("Media and publishing"),
    "finance": N_("Banking and finance"),
    "insurance": N_("Insurance"),
    "real-estate": N_("Real estate"),
    "construction": N_("Construction and architecture"),
    "manufacturing": N_("Manufacturing"),
    "retail": N_("Retail and trade"),
    "restaurant": N_("Restaurants and food"),
    "hospitality": N_("Hotels and travel"),
    "healthcare": N_("Healthcare"),
    "care": N_("Nursing and care"),
    "education": N_("Education"),
    "research": N_("Research"),
    "consulting": N_("Consulting"),
    "hr": N_("Human resources"),
    "logistics": N_("Logistics"),
    "agriculture": N_("Agriculture"),
    "public-sector": N_("Public sector"),
    "nonprofit": N_("Non-profit"),
    "beauty": N_("Beauty and wellness"),
    "student": N_("Student"),
}

NAMES = {**_PROFESSION_NAMES, **_INDUSTRY_NAMES, OTHER: N_("Other")}
PROFESSIONS = {code: _l(name) for code, name in _PROFESSION_NAMES.items()}
INDUSTRIES = {code: _l(name) for code, name in _INDUSTRY_NAMES.items()}
CATALOGUE = {code: _l(name) for code, name in NAMES.items()}


def industry_name(code: str, other_text: str = "") -> str:
    """What to show for a stored industry code."""
    if code == OTHER and other_text:
        return other_text
    name = NAMES.get(code)
    if name is None:
        return code
    return gettext(name)
