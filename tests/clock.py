"""The suite's clock: every test starts at one fixed instant, never at the wall clock's.

``MEETUP_TEST_NOW`` (ISO 8601; UTC unless it carries an offset) names the
instant; without it, an ordinary weekday morning in Tokyo. time-machine moves
this process's clock there before each test's set-up and lets it tick, so code
that reads the clock itself (views call ``utcnow()``) sees that instant too.

A process a test starts (gunicorn, a CLI command) runs on the same clock: start
it with ``environment()`` and call ``follow_parent_clock()`` first thing in it.
"""

import os
import time
from datetime import UTC, datetime

import time_machine

DEFAULT_NOW = "2026-06-10T00:30:00Z"  # a Wednesday, 09:30 in Tokyo
OFFSET_VARIABLE = "MEETUP_TEST_CLOCK_OFFSET"  # seconds a child's clock runs ahead of the real one


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


TEST_NOW = _instant(os.environ.get("MEETUP_TEST_NOW") or DEFAULT_NOW)
NOW = TEST_NOW.replace(tzinfo=None)  # naive UTC, as the database stores it

_travel = time_machine.travel(TEST_NOW.timestamp(), tick=True)
_traveller: time_machine.Traveller | None = None


def start() -> None:
    """Travel to TEST_NOW for the rest of the run."""
    global _traveller
    _traveller = _travel.start()


def stop() -> None:
    global _traveller
    if _traveller is not None:
        _travel.stop()
        _traveller = None


def back_to_start() -> None:
    """Back to TEST_NOW, ticking from there (before each test)."""
    assert _traveller is not None, "the suite's clock was not started"
    _traveller.move_to(TEST_NOW.timestamp())


def move_to(moment: datetime) -> None:
    """Move this process's clock to ``moment`` (naive UTC), ticking on from
    there: for what a person does later, through pages that read the clock
    themselves. The next test starts at TEST_NOW again."""
    assert _traveller is not None, "the suite's clock was not started"
    _traveller.move_to(moment.replace(tzinfo=UTC).timestamp())


def environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) and this clock, for a child process."""
    env = dict(os.environ if base is None else base)
    travelling = time_machine.escape_hatch.is_travelling()  # not in a benchmark that borrows the servers
    env[OFFSET_VARIABLE] = repr(time.time() - time_machine.escape_hatch.time.time() if travelling else 0.0)
    return env


def follow_parent_clock() -> None:
    """In a process a test started with ``environment()``: run on the test's clock."""
    offset = os.environ.get(OFFSET_VARIABLE)
    if offset is None:
        raise RuntimeError(f"{OFFSET_VARIABLE} is not set: start this process with tests.clock.environment()")
    time_machine.travel(time.time() + float(offset), tick=True).start()
    time.time()  # the travelled clock ticks from its first reading: read it now, not later
