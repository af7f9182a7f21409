"""Both languages: every string a person sees exists in English and Japanese."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "meetup/translations/ja/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def extracted_messages() -> set[str]:
    method_map = [("meetup/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_japanese_translation():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and not m.fuzzy and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(extracted_messages() - translated)
    assert not missing, "Missing Japanese translations (run `make i18n-extract` and translate):\n" + "\n".join(missing)


def test_accept_language_picks_japanese(client):
    page = client.get("/", headers={"Accept-Language": "ja,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ja">' in page
    assert "ログイン" in page


def test_english_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page


def test_language_switcher_remembers_the_choice_for_a_visitor(client):
    response = client.post("/language", data={"language": "ja", "next": "/signup", "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/signup"
    page = client.get("/signup", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "新規登録" in page and "税理士" in page


def test_a_members_own_setting_wins_over_the_browser(client, auth, make_user):
    make_user(email="ja@example.com", language="ja")
    auth.login(email="ja@example.com")
    page = client.get("/profile", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "プロフィール" in page


def test_switching_language_while_logged_in_saves_it_to_the_account(client, auth, user):
    from meetup.extensions import db

    auth.login()
    client.post("/language", data={"language": "ja", "next": "/profile", "csrf_token": csrf_token(client)})
    db.session.refresh(user)
    assert user.language == "ja"
