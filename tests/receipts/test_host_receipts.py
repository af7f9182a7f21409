"""All of an evening's receipts at once (issue 19, item 5): the owner and
co-hosts download one PDF with a page per paid attendee; those without a
receipt get one made out to "<name> 様", the others come as copies marked
再発行. Door staff and everyone else get 404."""

from sqlalchemy import select

from meetup.extensions import db
from meetup.receipts.models import Receipt
from meetup.receipts.services.issuer import IssuerDetails, update_issuer
from meetup.receipts.services.issuing import issue_evening_receipts, issue_receipt
from tests.conftest import csrf_token
from tests.receipts.conftest import pdf_text


def _download(client, event):
    token = csrf_token(client, f"/events/{event.id}/dashboard")
    return client.post(f"/events/{event.id}/receipts.pdf", data={"csrf_token": token})


def test_hosts_get_a_page_per_paid_attendee(client, auth, host, team, evening, pay, make_user, sign_up_for, now):
    update_issuer(host, evening.community_id, IssuerDetails("運営事務局", "東京都渋谷区", "T1234567890123"))
    first, second, unpaid = make_user(display_name="山田 太郎"), make_user(display_name="Ken Sato"), make_user()
    pay(evening, first)
    pay(evening, second)
    sign_up_for(evening, unpaid)
    issue_receipt(second, evening.id, "株式会社サトウ 御中", now=now)

    auth.login(team["co_host"].email)
    response = _download(client, evening)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_text(response.data)
    assert len(pages) == 2
    # In number order: Sato's (issued before, now a copy), then Yamada's, issued now.
    assert "No. 1" in pages[0] and "株式会社サトウ 御中" in pages[0] and "再発行" in pages[0]
    assert "No. 2" in pages[1] and "山田 太郎 様" in pages[1] and "再発行" not in pages[1]
    assert all("T1234567890123" in page for page in pages)

    again = pdf_text(_download(client, evening).data)
    assert all("再発行" in page for page in again)
    db.session.expire_all()
    issued = db.session.scalars(select(Receipt).order_by(Receipt.number)).all()
    assert [(r.number, r.times_issued) for r in issued] == [(1, 3), (2, 2)]


def test_the_dashboard_links_the_download(client, auth, host, evening):
    auth.login(host.email)
    html = client.get(f"/events/{evening.id}/dashboard").get_data(as_text=True)
    assert f"/events/{evening.id}/receipts.pdf" in html and f"/communities/{evening.community_id}/issuer" in html


def test_with_nobody_paid_the_host_is_told_so(client, auth, host, evening):
    auth.login(host.email)
    response = _download(client, evening)
    assert response.status_code == 302
    assert "no receipts to download" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_door_staff_and_attendees_get_404_and_nothing_is_issued(client, auth, team, user, evening, pay, host):
    pay(evening, user)
    for email in (team["door"].email, user.email):
        auth.login(email)
        token = csrf_token(client, f"/events/{evening.id}")
        response = client.post(f"/events/{evening.id}/receipts.pdf", data={"csrf_token": token})
        assert response.status_code == 404
        auth.logout()
    assert db.session.scalars(select(Receipt)).all() == []


def test_issuing_an_evenings_receipts_reads_the_same_however_many_paid(
    host, evening, make_event, pay, make_user, now, count_queries
):
    """One statement takes every new number; only the receipts' own INSERTs grow with the room."""
    larger = make_event(starts_at=evening.starts_at, title="渋谷 士業交流会 12月 第2部")
    larger.fee_yen = evening.fee_yen
    db.session.commit()

    def issuing(event, paying: int) -> tuple[list[str], list[int]]:
        for n in range(paying):
            pay(event, make_user(email=f"payer{event.id}-{n}@example.com"))
        db.session.expire_all()
        with count_queries() as statements:
            receipts = issue_evening_receipts(host, event.id, now=now)
        return [s.split()[0] for s in statements if not s.startswith("INSERT")], [r.number for r in receipts]

    few, numbers = issuing(evening, 2)
    many, more_numbers = issuing(larger, 7)
    assert few == many
    assert numbers == [1, 2] and more_numbers == list(range(3, 10))  # one counter for the community
