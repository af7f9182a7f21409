"""Configuration classes: development (the default), testing and production.

Everything that differs between machines comes from the environment, so one
code base runs embedded on SQLite and scaled out on PostgreSQL.
"""

import os


class ConfigError(RuntimeError):
    """The environment does not allow the app to start safely."""


def normalise_database_url(url: str) -> str:
    """Give PostgreSQL URLs the psycopg 3 driver; hosting platforms omit it."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    # Filled in by create_app from the instance folder when not set.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # A pooled connection the server has closed (a restart, an idle timeout)
    # is replaced before a request uses it.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 15_000

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30

    WTF_CSRF_TIME_LIMIT = None  # tied to the session, which expires on its own

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    LANGUAGES = ("en", "ja")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Off: flask-limiter would put its fixed window's reset (minutes) in a
    # Retry-After on every response of a limited page, even over the seconds
    # a log-in pause lasts. The 429 pages set their own (meetup.web, accounts.views).
    RATELIMIT_HEADERS_ENABLED = False
    # Failed log-ins (meetup.accounts.views.login). Per address: generous, so
    # a venue whose guests share one address is never paused as a whole.
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "100 per 15 minutes")
    # Per account from one address: that address stops guessing that account.
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "10 per 15 minutes")
    # Per account from anywhere: after this many failures attempts are spaced
    # out by 1, 2, 4… seconds, never more than the maximum (no lock-out).
    LOGIN_FAILURES_BEFORE_DELAY = int(os.environ.get("LOGIN_FAILURES_BEFORE_DELAY", "5"))
    LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_DELAY_MAX_SECONDS", "30"))
    # Mail about an account (password reset links, confirmation links, "you have an account"):
    # per address generously, as for log-ins; per target address tightly, so nobody's inbox is flooded.
    ACCOUNT_MAIL_LIMIT_PER_ADDRESS = os.environ.get("ACCOUNT_MAIL_LIMIT_PER_ADDRESS", "30 per 15 minutes")
    ACCOUNT_MAIL_LIMIT_PER_RECIPIENT = os.environ.get("ACCOUNT_MAIL_LIMIT_PER_RECIPIENT", "5 per hour")
    # Reports and blocks one account may send: plenty for real use, too few to harass with.
    REPORT_LIMIT = os.environ.get("REPORT_LIMIT", "10 per day")
    BLOCK_LIMIT = os.environ.get("BLOCK_LIMIT", "30 per day")
    # Adding co-hosts and door staff by address, per account (an address tells whether it has an account).
    TEAM_LIMIT = os.environ.get("TEAM_LIMIT", "20 per day")
    # Messages one account may send to attendees, across all its evenings (each evening has its
    # own limit in the database, meetup.events.services.messages): a busy host's week, not a flood.
    HOST_MESSAGE_LIMIT = os.environ.get("HOST_MESSAGE_LIMIT", "10 per day")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "meetup <no-reply@meetup.localhost>")
    # Where links in mail point, whichever address a request came in on
    # (create_app derives SERVER_NAME, PREFERRED_URL_SCHEME and APPLICATION_ROOT).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    # Seconds the table-grouping engine may search when a host forms tables.
    GROUPING_TIME_LIMIT = float(os.environ.get("GROUPING_TIME_LIMIT", "2.0"))
    # A fixed work budget instead of the one the time limit buys (which the
    # limit then only guards): the same tables on any machine, however busy.
    GROUPING_STEPS: int | None = None

    # Receipts (領収書) embed Debian's Noto Sans CJK (package fonts-noto-cjk; `make run` installs it).
    RECEIPT_FONT = os.environ.get("RECEIPT_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    RECEIPT_BOLD_FONT = os.environ.get("RECEIPT_BOLD_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")

    # Number of proxies in front of the app whose X-Forwarded-* headers count.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("MEETUP_TEST_DATABASE_URL")
    RATELIMIT_STORAGE_URI = "memory://"
    # Flask's test client speaks to SERVER_NAME (from BASE_URL), and its
    # cookie helpers assume "localhost"; nor may the environment change it.
    BASE_URL = "http://localhost"
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # fast in tests, same code path
    # Tests check rules and stability, not search quality: a small budget that
    # a loaded machine cannot cut short (what 0.5 s buys on an idle one).
    GROUPING_STEPS = 150_000
    GROUPING_TIME_LIMIT = 30.0


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            raise ConfigError(
                "SECRET_KEY is not set. In production the app refuses to start without it: "
                "set SECRET_KEY to a long random value (python -c 'import secrets; print(secrets.token_hex(32))')."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def select(name: str | None):
    """The config class for a name, or for MEETUP_ENV when no name is given."""
    name = name or os.environ.get("MEETUP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"Unknown MEETUP_ENV {name!r}; use one of {', '.join(CONFIGS)}.") from None
