"""A community's issuer details (issue 19, item 4): the qualified-invoice
registration number is "T" and 13 digits however it is typed; anything else
gets a message in the person's language and changes nothing. Owner and
co-hosts edit them; nobody else reaches the page."""

import pytest

from meetup.communities.models import Community
from meetup.errors import DomainError
from meetup.extensions import db
from meetup.receipts.services.issuer import IssuerDetails, normalise_invoice_number, update_issuer
from tests.conftest import csrf_token


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("T1234567890123", "T1234567890123"),
        ("t1234567890123", "T1234567890123"),
        ("Ｔ１２３４５６７８９０１２３", "T1234567890123"),  # full width, as a Japanese keyboard types it
        ("ｔ１２３４－５６７８－９０１２３", "T1234567890123"),
        ("T-1234-5678-90123", "T1234567890123"),
        ("T 1234 5678 90123", "T1234567890123"),
        ("T1234\u30005678\u300090123", "T1234567890123"),  # the full-width space
        ("T1234ー5678ー90123", "T1234567890123"),  # the long-vowel mark a kana keyboard gives for "-"
        ("  T1234567890123  ", "T1234567890123"),
        ("", None),
        ("   ", None),
    ],
)
def test_a_registration_number_is_read_however_it_is_typed(typed, stored):
    assert normalise_invoice_number(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "T123456789012",  # 12 digits
        "T12345678901234",  # 14 digits
        "1234567890123",  # no T
        "TT1234567890123",
        "X1234567890123",
        "T12345678901a3",
        "T123456789012３4",  # 14 digits once made plain
        "T1234567890123.",
        "T１２３４５６７８９０１２",  # full width, one digit short
        "T١٢٣٤٥٦٧٨٩٠١٢٣",  # Arabic-Indic digits are digits, but not these
        "T/1234567890123",
    ],
)
def test_anything_else_is_refused_with_a_message(typed):
    with pytest.raises(DomainError) as refused:
        normalise_invoice_number(typed)
    assert refused.value.field == "invoice_number"
    assert "T followed by 13 digits" in str(refused.value.message)


def test_the_owner_records_the_issuer_and_an_empty_number_means_none(host, evening):
    community = update_issuer(
        host,
        evening.community_id,
        IssuerDetails("渋谷 士業交流会 運営事務局", "東京都渋谷区1-1\r\n8F", "ｔ１２３４５６７８９０１２３"),
    )
    assert (community.issuer_name, community.issuer_address, community.invoice_number) == (
        "渋谷 士業交流会 運営事務局",
        "東京都渋谷区1-1\n8F",
        "T1234567890123",
    )
    update_issuer(host, evening.community_id, IssuerDetails("渋谷 士業交流会 運営事務局", "", ""))
    assert db.session.get(Community, evening.community_id).invoice_number is None


def test_a_number_needs_the_name_it_is_registered_to(host, evening):
    with pytest.raises(DomainError) as refused:
        update_issuer(host, evening.community_id, IssuerDetails("", "", "T1234567890123"))
    assert refused.value.field == "issuer_name"


def _post(client, community_id, **fields):
    path = f"/communities/{community_id}/issuer"
    data = {"issuer_name": "", "issuer_address": "", "invoice_number": "", **fields}
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def test_a_co_host_saves_the_details_on_the_page(client, auth, team, evening):
    auth.login(team["co_host"].email)
    response = _post(
        client, evening.community_id, issuer_name="運営事務局", invoice_number="Ｔ１２３４-５６７８-９０１２３"
    )
    assert response.status_code == 302
    community = db.session.get(Community, evening.community_id)
    assert (community.issuer_name, community.invoice_number) == ("運営事務局", "T1234567890123")


@pytest.mark.parametrize(
    "language, message",
    [
        ("en", "A registration number is T followed by 13 digits"),
        ("ja", "登録番号は「T」と13桁の数字です"),
    ],
)
def test_a_wrong_number_is_explained_in_the_readers_language_and_changes_nothing(
    client, auth, host, evening, language, message
):
    host.language = language
    db.session.commit()
    auth.login(host.email)
    response = _post(client, evening.community_id, issuer_name="Changed", invoice_number="T12345")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    community = db.session.get(Community, evening.community_id)
    assert (community.issuer_name, community.invoice_number) == ("", None)


def test_door_staff_and_strangers_do_not_find_the_page(client, auth, team, evening, make_user):
    for email in (team["door"].email, make_user().email):
        auth.login(email)
        assert client.get(f"/communities/{evening.community_id}/issuer").status_code == 404
        auth.logout()
