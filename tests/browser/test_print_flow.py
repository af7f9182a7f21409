"""Paper for the evening, printed by Chromium: name tags on A4 name-card
sheets (ten 91 × 55 mm tags a page) and table cards (a page per round).
Each page is printed to PDF as a host's browser would, and the PDF is read
back with pypdf: how many pages, whose name is on which page, and that the
text sits inside the sheet's margins. In print layout, no tag or card
overflows its box, however long a name is."""

import unicodedata
from datetime import timedelta
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from meetup.accounts.models import NAME_MAX
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import edits, forming
from tests.browser.conftest import PHONE, fits, log_in, screenshot, sign_up_people
from tests.clock import NOW
from tests.events.helpers import event_details

pytestmark = pytest.mark.browser

MM = 72 / 25.4  # PDF points in a millimetre
PX = 96 / 25.4  # CSS pixels in a millimetre
A4 = (210, 297)
MARGINS = {"top": 11, "side": 14, "bottom": 10}  # static/print.css @page
AREA_WIDTH_PX = (A4[0] - 2 * MARGINS["side"]) * PX
AREA_HEIGHT_PX = (A4[1] - MARGINS["top"] - MARGINS["bottom"]) * PX

LONGEST_NAME = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末食う寝る処に住む処やぶら小路の藪柑子" * 2
GUESTS = [
    ("Aiko Tanaka", "タナカ アイコ", "tax-accountant"),
    ("伊藤 美咲", "イトウ ミサキ", "lawyer"),
    ("加藤 翔", "カトウ ショウ", "design"),
    ("小林 遥", "コバヤシ ハルカ", "it"),
    ("さとう ゆい", "", "education"),
    ("山本 大輔", "ヤマモト ダイスケ", "restaurant"),
    ("渡辺 健", "ワタナベ ケン", "insurance"),
    ("Christopher Montgomery-Wellington", "", "hospitality"),
    ("Daniel Kim", "", "it"),
    ("吉田 亮", "ヨシダ リョウ", "labour-consultant"),
    ("松本 七海", "マツモト ナナミ", "patent-attorney"),
    ("井上 拓海", "イノウエ タクミ", "design"),
    ("木村 陽菜", "キムラ ヒナ", "education"),
    ("林 誠", "ハヤシ マコト", "restaurant"),
    ("清水 葵", "シミズ アオイ", "lawyer"),
    ("勅使河原 美智子", "テシガワラ ミチコ", "tax-accountant"),
    # The longest a name, a reading and an industry may be: they must fit their tag.
    (LONGEST_NAME[:NAME_MAX], "ジュゲム" * (NAME_MAX // 4), "other"),
    ("Maximilianoalexandrovichbartholomewvonwolfeschlegelsteinhausenbergerdorffjunior"[:NAME_MAX], "", "it"),
]


@pytest.fixture(params=["en", "ja"])
def evening_tables(request, committing_app):
    """Tonight: 18 guests checked in at four tables, three rounds; the tables
    formed (a draft) and table B named by the host."""
    cast = {"host": ("emi.host@example.com", "Emi Yamamoto", "sme-consultant")}
    cast |= {f"guest{n}": (f"guest{n}@example.com", name, industry) for n, (name, _, industry) in enumerate(GUESTS)}
    people = sign_up_people(cast)
    host = people["host"]
    for n, (_, reading, industry) in enumerate(GUESTS):
        people[f"guest{n}"].name_reading = reading
        if industry == "other":
            people[f"guest{n}"].industry_other = "酒蔵の蔵人と日本酒の輸出コンサルタント" * 4
    db.session.commit()
    event = hosting.create_event(
        host,
        event_details(
            NOW,
            title="Shibuya cross-industry mixer",
            starts_at=NOW + timedelta(hours=1),
            capacity=30,
            table_size=None,
            table_count=4,
            rounds=3,
            registration_deadline=None,
        ),
        now=NOW,
    )
    hosting.publish_event(host, event.id, now=NOW)
    for n in range(len(GUESTS)):
        guest = people[f"guest{n}"]
        registration = register(guest, event.id, goals=["learn"], intro="Hello", acknowledged=True, now=NOW)
        check_in(host, event.id, registration.id, now=NOW)
    forming.form_tables(host, event.id)
    edits.rename_tables(host, event.id, ["", "窓際"])
    tags = table_queries.name_tags(table_queries.working_seating(event.id))
    tags = [(tag.display_name, tag.tables) for tag in tags]
    event_id = event.id
    db.session.remove()  # no read transaction left open while the server answers
    return event_id, request.param, tags


def print_to_pdf(page) -> PdfReader:
    """The page printed as Chromium prints it for a host, read back with pypdf."""
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    return PdfReader(BytesIO(pdf))


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text without white space, so that a wrapped name is found
    whole, and in NFKC: the fonts map some kanji to their look-alike radicals
    (⽊ for 木) and "ff" to a ligature."""
    return ["".join(unicodedata.normalize("NFKC", page.extract_text()).split()) for page in reader.pages]


def text_outside_the_margins(reader: PdfReader) -> list[str]:
    """Every piece of text whose start lies outside the sheet's printable area."""
    outside = []
    left, right = MARGINS["side"] * MM, (A4[0] - MARGINS["side"]) * MM
    bottom, top = MARGINS["bottom"] * MM, (A4[1] - MARGINS["top"]) * MM

    for number, page in enumerate(reader.pages, 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width / MM), round(height / MM)) == A4

        def visit(text, cm, tm, font, size, number=number):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not (left - 1 <= x <= right and bottom <= y <= top + 1):
                outside.append(f"page {number}: {text!r} at ({x / MM:.1f} mm, {y / MM:.1f} mm)")

        page.extract_text(visitor_text=visit)
    return outside


OVERFLOWS = """([selector, width]) => {
  // Every box and every element inside it: inside the printable width, and none
  // whose content is taller or wider than itself (what a printer would cut off).
  const problems = [];
  for (const box of document.querySelectorAll(selector)) {
    const outer = box.getBoundingClientRect();
    if (outer.left < -0.5 || outer.right > width + 0.5) problems.push(`${box.innerText} sticks out of the page`);
    for (const element of [box, ...box.querySelectorAll("*")]) {
      const inner = element.getBoundingClientRect();
      if (element.scrollHeight > element.clientHeight + 1 && element.clientHeight > 0
          || element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0)
        problems.push(`${element.tagName} overflows in ${box.innerText.slice(0, 40)}`);
      if (inner.left < outer.left - 0.5 || inner.right > outer.right + 0.5
          || inner.top < outer.top - 0.5 || inner.bottom > outer.bottom + 0.5)
        problems.push(`${element.tagName} leaves its box in ${box.innerText.slice(0, 40)}`);
    }
  }
  return problems;
}"""


def as_printed(page, name: str) -> None:
    """Lay the page out as on paper (the printable width of A4, print styles),
    check nothing overflows, and keep a picture to look at."""
    width = round(AREA_WIDTH_PX)
    page.set_viewport_size({"width": width, "height": round(AREA_HEIGHT_PX)})
    page.emulate_media(media="print")
    # Both reach the renderer a moment later: measure only the page laid out for paper.
    page.wait_for_function("width => innerWidth === width && matchMedia('print').matches", arg=width)
    screenshot(page, name)


def on_screen(page, name: str) -> None:
    page.emulate_media(media="screen")
    for label, size in (("phone", PHONE), ("laptop", {"width": 1280, "height": 900})):
        page.set_viewport_size(size)
        fits(page)
        screenshot(page, f"{label}-{name}")


def test_name_tags_print_ten_to_an_a4_sheet_in_reading_order(live_server, laptop, evening_tables):
    event_id, language, tags = evening_tables
    page = laptop
    log_in(page, live_server, "emi.host@example.com")
    page.goto(f"{live_server}/events/{event_id}/tables")
    if language == "ja":
        page.get_by_role("button", name="日本語").click()
    page.get_by_role("link", name="Name tags" if language == "en" else "名札").click()
    expect(page.locator(".name-tag")).to_have_count(18)
    on_screen(page, f"name-tags-{language}")

    as_printed(page, f"print-name-tags-{language}")
    assert page.evaluate(OVERFLOWS, [".name-tag", AREA_WIDTH_PX]) == []
    boxes = [page.locator(".name-tag").nth(n).bounding_box() for n in range(18)]
    assert {round(box["width"] / PX) for box in boxes} == {91} and {round(box["height"] / PX) for box in boxes} == {55}
    assert len({round(box["x"]) for box in boxes}) == 2  # two columns

    reader = print_to_pdf(page)
    assert len(reader.pages) == 2  # 18 tags: a full sheet of ten, then eight
    texts = page_texts(reader)
    names = ["".join(name.split()) for name, _ in tags]
    assert [name in texts[0] for name in names] == [True] * 10 + [False] * 8
    assert [name in texts[1] for name in names] == [False] * 10 + [True] * 8
    for text, on_it in ((texts[0], names[:10]), (texts[1], names[10:])):
        positions = [text.index(name) for name in on_it]
        assert positions == sorted(positions)  # in reading order, row by row
    first_tables = tags[0][1]
    round_word = "Round" if language == "en" else "ラウンド"
    assert "".join(f"{round_word}{r}{table}" for r, table in enumerate(first_tables, 1)) in texts[0]
    assert text_outside_the_margins(reader) == []


def test_table_cards_print_a_page_per_round_and_no_card_splits(live_server, laptop, evening_tables):
    event_id, language, tags = evening_tables
    page = laptop
    log_in(page, live_server, "emi.host@example.com")
    page.goto(f"{live_server}/events/{event_id}/tables")
    if language == "ja":
        page.get_by_role("button", name="日本語").click()
    page.get_by_role("link", name="Table cards" if language == "en" else "テーブルカード").click()
    expect(page.locator(".table-print-card")).to_have_count(4 * 3)
    on_screen(page, f"table-cards-{language}")

    as_printed(page, f"print-table-cards-{language}")
    assert page.evaluate(OVERFLOWS, [".table-print-card", AREA_WIDTH_PX]) == []
    heights = [page.locator(".table-print-card").nth(n).bounding_box()["height"] for n in range(12)]
    assert max(heights) < AREA_HEIGHT_PX / 2  # two rows of cards fit a page

    reader = print_to_pdf(page)
    assert len(reader.pages) == 3  # one page per round: every table of a round on it, none split
    texts = page_texts(reader)
    round_word = "Round" if language == "en" else "ラウンド"
    for number, text in enumerate(texts, 1):
        assert f"{round_word}{number}" in text
        for name, _ in tags:
            assert "".join(name.split()) in text, f"{name} is missing on the page of round {number}"
        assert "窓際" in text
    assert text_outside_the_margins(reader) == []
