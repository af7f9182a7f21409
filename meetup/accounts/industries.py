"""The catalogue of industries and professions a member can choose from.

Codes are stored; names are shown in the reader's language. The licensed
professions (士業) come first because professionals' mixers are a core use.
"""

from flask_babel import lazy_gettext as _l

OTHER = "other"

PROFESSIONS = {
    "lawyer": _l("Lawyer (bengoshi)"),
    "judicial-scrivener": _l("Judicial scrivener (shiho shoshi)"),
    "administrative-scrivener": _l("Administrative scrivener (gyosei shoshi)"),
    "tax-accountant": _l("Tax accountant (zeirishi)"),
    "cpa": _l("Certified public accountant"),
    "patent-attorney": _l("Patent attorney (benrishi)"),
    "labour-consultant": _l("Labour and social security attorney (sharoshi)"),
    "land-surveyor": _l("Land and house investigator"),
    "real-estate-appraiser": _l("Real estate appraiser"),
    "sme-consultant": _l("SME management consultant"),
    "financial-planner": _l("Financial planner"),
}

INDUSTRIES = {
    "it": _l("IT and software"),
    "design": _l("Design and creative"),
    "marketing": _l("Marketing and advertising"),
    "media": _l("Media and publishing"),
    "finance": _l("Banking and finance"),
    "insurance": _l("Insurance"),
    "real-estate": _l("Real estate"),
    "construction": _l("Construction and architecture"),
    "manufacturing": _l("Manufacturing"),
    "retail": _l("Retail and trade"),
    "restaurant": _l("Restaurants and food"),
    "hospitality": _l("Hotels and travel"),
    "healthcare": _l("Healthcare"),
    "care": _l("Nursing and care"),
    "education": _l("Education"),
    "research": _l("Research"),
    "consulting": _l("Consulting"),
    "hr": _l("Human resources"),
    "logistics": _l("Logistics"),
    "agriculture": _l("Agriculture"),
    "public-sector": _l("Public sector"),
    "nonprofit": _l("Non-profit"),
    "beauty": _l("Beauty and wellness"),
    "student": _l("Student"),
}

CATALOGUE = {**PROFESSIONS, **INDUSTRIES, OTHER: _l("Other")}


def industry_name(code: str, other_text: str = "") -> str:
    """What to show for a stored industry code."""
    if code == OTHER:
        return other_text or str(CATALOGUE[OTHER])
    name = CATALOGUE.get(code)
    return str(name) if name is not None else code
