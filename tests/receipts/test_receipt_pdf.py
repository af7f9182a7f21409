"""The receipt PDF (issue 19, item 6): what a Japanese receipt says, with
its text extractable, drawn in Noto Sans CJK; rendered to PNG it has ink on it."""

from datetime import date

import pypdfium2 as pdfium
import pytest

from meetup.receipts.pdf import receipts_pdf
from meetup.receipts.queries import ReceiptPage
from tests.receipts.conftest import pdf_text

PAGE = ReceiptPage(
    number=42,
    addressee="株式会社〇〇 御中",
    amount=3000,
    tax_rate=10,
    tax=272,
    paid_on=date(2026, 12, 4),
    issued_on=date(2026, 12, 5),
    evening_title="渋谷 士業交流会 12月",
    evening_on=date(2026, 12, 4),
    issuer_name="渋谷 士業交流会 運営事務局",
    issuer_address="東京都渋谷区渋谷2-21-1",
    invoice_number="T1234567890123",
    copy=False,
)


@pytest.fixture
def draw(app):
    def drawing(*pages):
        config = app.config
        return receipts_pdf(list(pages), font=config["RECEIPT_FONT"], bold_font=config["RECEIPT_BOLD_FONT"])

    return drawing


def test_a_receipt_says_what_a_qualified_invoice_must(draw):
    (text,) = pdf_text(draw(PAGE))
    for expected in (
        "領収書",
        "Receipt".upper(),
        "No. 42",
        "株式会社〇〇 御中",
        "¥3,000-",
        "但し 参加費として",
        "渋谷 士業交流会 12月（2026年12月4日）",
        "10%対象",
        "うち消費税",
        "¥272",
        "発行日",
        "2026年12月5日",
        "お支払日",
        "渋谷 士業交流会 運営事務局",
        "東京都渋谷区渋谷2-21-1",
        "登録番号",
        "T1234567890123",
    ):
        assert expected in text, expected
    assert "再発行" not in text


def test_a_copy_is_marked_and_without_a_number_none_is_printed(draw):
    from dataclasses import replace

    first, copy = pdf_text(draw(PAGE, replace(PAGE, copy=True, invoice_number=None, issuer_address="")))
    assert "再発行" not in first and "再発行" in copy
    assert "登録番号" not in copy and "T1234567890123" not in copy


def test_the_page_is_a5_landscape_and_has_ink(draw):
    document = pdfium.PdfDocument(draw(PAGE))
    try:
        page = document[0]
        width, height = page.get_size()
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 148)
        image = page.render(scale=1).to_pil().convert("L")
        dark = image.histogram()[:128]
        dark = sum(dark)
        assert dark > 2000  # the frame, the title and the amount are drawn
        page.close()
    finally:
        document.close()
