"""Drawing receipts (領収書) as a PDF: one A5 landscape page per receipt, in
the Japanese layout (addressee, the amount large, 但し…として, the tax
breakdown, the issuer with their registration number), each label in
Japanese with its English beside it, smaller. fpdf2 embeds a subset of
Noto Sans CJK, so the text stays extractable and searchable."""

from datetime import date

from fpdf import FPDF

from meetup.receipts.queries import ReceiptPage

# A5 landscape, in millimetres (passed explicitly: fpdf2 warns on the name "A5").
WIDTH, HEIGHT = 210, 148
MARGIN = 14
INK = (20, 20, 20)
MUTED = (110, 110, 110)
RULE = (150, 150, 150)
SHADE = (243, 241, 236)
RED = (190, 30, 30)
FONT = "NotoSansCJK"


def japanese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def yen(amount: int) -> str:
    return f"¥{amount:,}"


class _Receipts(FPDF):
    def __init__(self, font: str, bold_font: str):
        super().__init__(orientation="L", unit="mm", format=(HEIGHT, WIDTH))
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.add_font(FONT, "", font, collection_font_number=0)
        self.add_font(FONT, "B", bold_font, collection_font_number=0)
        self.c_margin = 0  # multi_cell text starts where the labels do
        self.set_creator("meetup")
        self.set_title("領収書 Receipt")

    def write_at(self, x: float, y: float, text: str, size: float, *, bold=False, color=INK) -> float:
        """``text`` with its baseline at ``y``; returns the x where it ends."""
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        self.text(x, y, text)
        return x + self.get_string_width(text)

    def label(self, x: float, y: float, japanese: str, english: str, size: float = 9, *, bold=False) -> float:
        """A label in Japanese, then its English smaller and grey, on one baseline."""
        end = self.write_at(x, y, japanese, size, bold=bold)
        return self.write_at(end + 1.5, y, english, size * 0.7, color=MUTED)

    def fitted(self, text: str, width: float, size: float, *, bold=False, smallest: float = 6) -> float:
        """The largest size up to ``size`` at which ``text`` fits ``width`` (a long name still fits)."""
        while size > smallest:
            self.set_font(FONT, "B" if bold else "", size)
            if self.get_string_width(text) <= width:
                break
            size -= 0.5
        return size

    def write_right(self, right: float, y: float, text: str, size: float, *, bold=False, color=INK) -> float:
        self.set_font(FONT, "B" if bold else "", size)
        x = right - self.get_string_width(text)
        self.write_at(x, y, text, size, bold=bold, color=color)
        return x

    def line_between(self, x1: float, y: float, x2: float, width: float = 0.3, color=RULE) -> None:
        self.set_draw_color(*color)
        self.set_line_width(width)
        self.line(x1, y, x2, y)

    def receipt(self, page: ReceiptPage) -> None:
        self.add_page()
        right = WIDTH - MARGIN
        self._frame()
        self._heading(page, right)
        self._addressee(page)
        self._amount(page)
        self._purpose(page)
        self._breakdown(page)
        self._issuer(page, right)

    def _frame(self) -> None:
        self.set_draw_color(*INK)
        self.set_line_width(0.6)
        self.rect(MARGIN - 5, MARGIN - 5, WIDTH - 2 * (MARGIN - 5), HEIGHT - 2 * (MARGIN - 5))

    def _heading(self, page: ReceiptPage, right: float) -> None:
        if page.copy:
            self.set_draw_color(*RED)
            self.set_line_width(0.6)
            self.rect(MARGIN, MARGIN - 1, 36, 11)
            self.write_at(MARGIN + 2.5, MARGIN + 6.8, "再発行", 13, bold=True, color=RED)
            self.write_at(MARGIN + 22, MARGIN + 6.5, "Re-issue", 6.5, color=RED)
        self.set_char_spacing(5)
        self.set_font(FONT, "B", 24)
        title_width = self.get_string_width("領収書")
        self.write_at((WIDTH - title_width) / 2, MARGIN + 9, "領収書", 24, bold=True)
        self.set_char_spacing(2)
        self.set_font(FONT, "", 8)
        self.write_at((WIDTH - self.get_string_width("RECEIPT")) / 2, MARGIN + 14.5, "RECEIPT", 8, color=MUTED)
        self.set_char_spacing(0)
        self.write_right(right, MARGIN + 3, f"No. {page.number}", 10, bold=True)
        end = right
        self.write_right(end, MARGIN + 8.5, japanese_date(page.issued_on), 8.5)
        self.set_font(FONT, "", 8.5)
        label_end = right - self.get_string_width(japanese_date(page.issued_on)) - 2
        x = self.write_right(label_end, MARGIN + 8.5, "Issued", 6, color=MUTED)
        self.write_right(x - 1.2, MARGIN + 8.5, "発行日", 8.5)

    def _addressee(self, page: ReceiptPage) -> None:
        y = MARGIN + 31
        self.write_at(MARGIN + 4, y, page.addressee, self.fitted(page.addressee, 118, 15))
        self.line_between(MARGIN, y + 2.5, MARGIN + 124, width=0.5, color=INK)

    def _amount(self, page: ReceiptPage) -> None:
        top, height, left, width = MARGIN + 40, 18, MARGIN + 18, WIDTH - 2 * MARGIN - 36
        self.set_fill_color(*SHADE)
        self.set_draw_color(*INK)
        self.set_line_width(0.4)
        self.rect(left, top, width, height, style="DF")
        self.label(left + 5, top + 11, "金額", "Amount", 10)
        amount = f"{yen(page.amount)}-"
        self.set_font(FONT, "B", 26)
        self.write_at(left + (width - self.get_string_width(amount)) / 2 + 8, top + 13, amount, 26, bold=True)
        self.write_right(left + width - 4, top + 15.5, "(税込 tax incl.)", 6.5, color=MUTED)

    def _purpose(self, page: ReceiptPage) -> None:
        y = MARGIN + 68
        x = self.write_at(MARGIN + 4, y, "但し", 10)
        x = self.write_at(x + 3, y, "参加費として", 10, bold=True)
        evening = f"{page.evening_title}（{japanese_date(page.evening_on)}）"
        self.write_at(x + 3, y, evening, self.fitted(evening, WIDTH - MARGIN - x - 3, 9))
        self.write_at(MARGIN + 4, y + 5, "For: participation fee", 6.5, color=MUTED)
        self.label(MARGIN + 4, y + 11, "上記正に領収いたしました。", "Received with thanks.", 9)

    def _breakdown(self, page: ReceiptPage) -> None:
        left, top, width = MARGIN, MARGIN + 86, 80
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.rect(left, top, width, 30)
        self.label(left + 3, top + 5.5, "内訳", "Breakdown", 8, bold=True)
        rows = [
            (f"{page.tax_rate}%対象", f"Subject to {page.tax_rate}%", yen(page.amount)),
            ("うち消費税", "Consumption tax incl.", yen(page.tax)),
            ("お支払日", "Paid on", japanese_date(page.paid_on)),
        ]
        for n, (japanese, english, value) in enumerate(rows):
            y = top + 12.5 + n * 6.5
            self.label(left + 3, y, japanese, english, 8.5)
            self.write_right(left + width - 3, y, value, 9, bold=n < 2)
            if n < 2:
                self.line_between(left + 3, y + 2, left + width - 3)

    def _issuer(self, page: ReceiptPage, right: float) -> None:
        left, top = MARGIN + 92, MARGIN + 86
        self.label(left, top + 4, "発行者", "Issuer", 7.5)
        self.set_font(FONT, "B", 11)
        self.set_text_color(*INK)
        self.set_xy(left, top + 6)
        self.multi_cell(right - left, 5, page.issuer_name, new_x="LEFT", new_y="NEXT")
        if page.issuer_address:
            self.set_font(FONT, "", 8)
            self.multi_cell(right - left, 4, page.issuer_address, new_x="LEFT", new_y="NEXT")
        if page.invoice_number:
            y = self.get_y() + 4.5
            self.label(left, y, "登録番号", "Registration No.", 8.5)
            self.write_right(right, y, page.invoice_number, 10, bold=True)


def receipts_pdf(pages: list[ReceiptPage], *, font: str, bold_font: str) -> bytes:
    """One page per receipt, in the order given."""
    document = _Receipts(font, bold_font)
    for page in pages:
        document.receipt(page)
    return bytes(document.output())
