"""The worker's jobs, and one tick of the worker (``flask --app meetup worker``).

A job is ``Job(name, due, run)``: ``due(now)`` lists the keys (event ids)
that have work, ``run(key, now=now)`` does one key's work in its own
transaction(s) and returns how many things it did. Every run is idempotent
and claims its key safely (the event's lock, then a stamp or a row that says
it is done), so a run repeated, or two workers at once, do nothing twice.

A tick runs every job's due keys, then sends the pending mail. A key whose run
raises is rolled back, logged with its reason and retried later, ever less
often (``Backoff``, kept in the worker's memory); the other keys and jobs run
on. When the database itself is away, the tick ends there and the next tries
again. Once the worker is told to stop, no new key or batch of mail begins.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from meetup.events.services.announcements import announce, announcements_due
from meetup.events.services.lottery import draw, draws_due
from meetup.events.services.reminders import reminders_due, send_reminders
from meetup.extensions import db
from meetup.mail.services.sender import Delivery, send_pending
from meetup.matching.services.prompts import last_calls_due, prompts_due, send_last_calls, send_prompts
from meetup.matching.services.reveal import reveal, reveals_due
from meetup.timeutil import utcnow


class Job(NamedTuple):
    name: str
    due: Callable[[datetime], list[int]]
    run: Callable[..., int]  # run(key, *, now) -> how many things it did


# In the order a tick runs them. Adding a job is one line here.
JOBS = (
    Job("draws", draws_due, draw),
    Job("announcements", announcements_due, announce),
    Job("reminders", reminders_due, send_reminders),
    Job("prompts", prompts_due, send_prompts),
    Job("last calls", last_calls_due, send_last_calls),
    Job("reveal", reveals_due, reveal),
)

FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)


def retry_delay(failures: int) -> timedelta:
    """How long a key waits after its ``failures``-th failure in a row."""
    return min(FIRST_RETRY * 2 ** min(failures - 1, 20), LAST_RETRY)


class Failure(NamedTuple):
    count: int
    retry_at: datetime


class Done(NamedTuple):
    job: str
    key: int
    count: int


class Tick(NamedTuple):
    done: list[Done]
    delivery: Delivery
    failed: int  # keys (or due lists) that raised
    database_away: bool


def _one_line(error: BaseException) -> str:
    lines = f"{type(error).__name__}: {error}".splitlines()
    return (lines[0] if lines else type(error).__name__)[:300]


def _database_answers() -> bool:
    """After a failure: is the database there at all (a restart, a network
    cut), or was it this one key's fault?"""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        return True
    except SQLAlchemyError:
        db.session.remove()
        return False


class DatabaseAway(Exception):
    """Ends a tick: nothing can be done until the database answers again."""


class Worker:
    """Runs ticks; remembers which keys failed and when each may be tried again."""

    def __init__(self, jobs=None, *, stopping: Callable[[], bool] = lambda: False):
        self.jobs = tuple(JOBS if jobs is None else jobs)
        self.stopping = stopping
        self.failures: dict[tuple[str, int | None], Failure] = {}
        self.database_was_away = False
        self.failed = 0  # in the last tick

    def tick(self, now: datetime | None = None) -> Tick:
        """Run every job's due keys, then send the pending mail. ``now`` fixes
        the clock (tests); by default each job reads it when it begins."""
        done: list[Done] = []
        self.failed = 0
        delivery = Delivery()
        try:
            for job in self.jobs:
                if self.stopping():
                    break
                done += self._run_job(job, now or utcnow())
            if not self.stopping():
                delivery = self._send_mail(now)
        except DatabaseAway as away:
            if not self.database_was_away:
                current_app.logger.error("Database unavailable, trying again on the next tick: %s", away)
            self.database_was_away = True
        except Exception as error:  # a bug of the worker's own: never the end of it
            self.failed += 1
            current_app.logger.exception("Worker tick failed, trying again on the next tick: %s", _one_line(error))
        else:
            if self.database_was_away:
                current_app.logger.warning("Database reachable again.")
            self.database_was_away = False
        finally:
            db.session.remove()  # each tick starts with a fresh session
        return Tick(done, delivery, self.failed, self.database_was_away)

    def _run_job(self, job: Job, now: datetime) -> list[Done]:
        keys = self._attempt(job, None, lambda: job.due(now), now)
        if keys is None:
            return []
        self._forget_all_but(job, set(keys))
        done = []
        for key in keys:
            if self.stopping():
                break
            count = self._attempt(job, key, lambda key=key: job.run(key, now=now), now)
            if count:
                done.append(Done(job.name, key, count))
        return done

    def _attempt(self, job: Job, key: int | None, work, now: datetime):
        """``work()``, unless this key is waiting out a failure; on failure,
        roll back, log it and set when to try again (None then)."""
        failure = self.failures.get((job.name, key))
        if failure is not None and now < failure.retry_at:
            return None
        try:
            result = work()
            db.session.commit()  # whatever it left open (a due list only read) ends here
        except Exception as error:
            db.session.rollback()
            if isinstance(error, SQLAlchemyError) and not _database_answers():
                raise DatabaseAway(_one_line(error)) from error
            count = failure.count + 1 if failure else 1
            delay = retry_delay(count)
            self.failures[job.name, key] = Failure(count, now + delay)
            self.failed += 1
            current_app.logger.error(
                "Job %s failed %s (failure %d), retrying in %d s: %s",
                job.name,
                "listing its work" if key is None else f"for event {key}",
                count,
                delay.total_seconds(),
                _one_line(error),
            )
            return None
        self.failures.pop((job.name, key), None)
        return result

    def _forget_all_but(self, job: Job, keys: set[int]) -> None:
        """A key that is no longer due needs no retry."""
        for name, key in list(self.failures):
            if name == job.name and key is not None and key not in keys:
                del self.failures[name, key]

    def _send_mail(self, now: datetime | None) -> Delivery:
        try:
            return send_pending(now, stopping=self.stopping)
        except Exception as error:
            db.session.rollback()
            if isinstance(error, SQLAlchemyError) and not _database_answers():
                raise DatabaseAway(_one_line(error)) from error
            # What was sent is recorded; a claim left behind lapses on its own.
            self.failed += 1
            current_app.logger.error("Mail not sent this time, trying again on the next tick: %s", _one_line(error))
            return Delivery()
