"""The worker as deploy/ runs it: ``flask --app meetup worker`` in its own
process, stopped by SIGTERM (systemd, honcho) and cut off from PostgreSQL.

What an operator cares about: stopping it loses no mail and sends none twice,
and a database that goes away and comes back needs nobody to restart it.
"""

import asyncio
import signal
import socket
import threading
import time
from collections import Counter
from contextlib import suppress

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy import select

from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from tests.concurrency.conftest import WorkerProcess, add_people, free_port
from tests.conftest import SMTPRecorder, end_own_transaction, read_afresh

STOP_TIMEOUT = 10  # seconds from SIGTERM to exit: a bound, not a measurement
MAIL_TIMEOUT = 60


class SlowSMTPRecorder(SMTPRecorder):
    """Takes a tenth of a second over each message, as a distant server does."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.1)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp():
    recorder = SlowSMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield recorder, controller.port
    finally:
        controller.stop()


class DatabaseLine:
    """A TCP relay between the worker and PostgreSQL that the test cuts (every
    connection dropped, new ones refused) and restores: a database restart or
    a network cut, as the worker sees it."""

    def __init__(self, database_url: str):
        url = sa.engine.make_url(database_url)
        self.target = (url.host or "127.0.0.1", url.port or 5432)
        self.port = free_port()
        self.url = url.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        with suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self.listener.close()
        with self.lock:
            for end in self.sockets:
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


def queue(user, count: int, subject: str = "Hello") -> None:
    db.session.add_all(
        OutboxMessage(
            recipient_id=user.id, recipient_email=user.email, subject=f"{subject} {n}", body="本文\n", kind="t"
        )
        for n in range(count)
    )
    db.session.commit()
    end_own_transaction()


def wait_until(condition, what: str, worker: WorkerProcess, timeout: float = MAIL_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert worker.running(), f"the worker exited while waiting for {what}:\n{worker.log()}"
        assert time.monotonic() < deadline, f"no {what} within {timeout}s:\n{worker.log()}"
        time.sleep(0.05)


def test_sigterm_stops_the_worker_at_once_and_every_claimed_message_is_sent_or_released(
    committing_app, database_url, slow_smtp, tmp_path
):
    recorder, port = slow_smtp
    (person,) = add_people("stopping", 1)
    queue(person, 50)  # more than a batch, and five seconds' sending at the slow server's pace
    worker = WorkerProcess(database_url, tmp_path / "worker.log", smtp_port=port)
    wait_until(lambda: len(recorder.messages) >= 3, "mail", worker)

    worker.process.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    worker.process.wait(timeout=STOP_TIMEOUT)
    print(f"stopped {time.monotonic() - stopped:.2f}s after SIGTERM, having sent {len(recorder.messages)} of 50")
    assert worker.process.returncode == 0, worker.log()
    assert worker.log().rstrip().endswith("Worker stopped."), worker.log()
    assert "Traceback" not in worker.log()

    read_afresh()
    outbox = db.session.scalars(select(OutboxMessage)).all()
    sent = [m for m in outbox if m.sent_at is not None]
    assert [m for m in outbox if m.claimed_until is not None] == []  # nothing left claimed: the rest is free to go
    assert 3 <= len(sent) < 50  # it stopped mid-way, not after sending everything
    arrived = Counter(message["Message-ID"] for message in recorder.messages)
    assert arrived == Counter(m.message_id for m in sent)  # what it recorded as sent arrived, once each


def test_the_worker_carries_on_after_postgresql_ends_its_connections(
    committing_app, database_url, smtp_server, tmp_path
):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server to lose")
    name = "meetup-worker-under-test"
    (person,) = add_people("outage", 1)
    worker = WorkerProcess(
        f"{database_url}?application_name={name}",
        tmp_path / "worker.log",
        smtp_port=committing_app.config["MAIL_PORT"],
    )
    queue(person, 1, "Before")
    wait_until(lambda: len(smtp_server.messages) == 1, "mail before the outage", worker)

    # The server ends every connection of the worker's, again and again for
    # three seconds, as a restart would (and the worker's own pool would
    # otherwise hand it a dead one).
    admin = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    ended = 0
    deadline = time.monotonic() + 3
    with admin.connect() as connection:
        while time.monotonic() < deadline:
            ended += connection.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %(name)s",
                {"name": name},
            ).scalar()
            time.sleep(0.05)
    admin.dispose()
    assert ended, "the worker held no connection to end: the test proved nothing"

    queue(person, 3, "After")
    wait_until(lambda: len(smtp_server.messages) == 4, "mail after the outage", worker)
    time.sleep(2)  # two more ticks: nothing is sent twice
    assert worker.running(), worker.log()
    subjects = sorted(message["Subject"] for message in smtp_server.messages)
    assert subjects == ["After 0", "After 1", "After 2", "Before 0"], worker.log()
    print(f"ended {ended} connection(s) of the worker's; its log:\n{worker.log()}")
    worker.stop()
    assert worker.process.returncode == 0, worker.log()


def test_the_worker_rides_out_a_database_outage_and_sends_what_was_queued_meanwhile(
    committing_app, database_url, smtp_server, tmp_path
):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server to lose")
    line = DatabaseLine(database_url)
    (person,) = add_people("cut-off", 1)
    worker = WorkerProcess(line.url, tmp_path / "worker.log", smtp_port=committing_app.config["MAIL_PORT"])
    try:
        queue(person, 1, "Before")
        wait_until(lambda: len(smtp_server.messages) == 1, "mail before the outage", worker)

        line.cut()
        queue(person, 2, "During")  # the app servers still reach the database; the worker does not
        time.sleep(3)  # three ticks without a database
        assert worker.running(), worker.log()
        assert len(smtp_server.messages) == 1
        line.restore()
        wait_until(lambda: len(smtp_server.messages) == 3, "mail after the outage", worker)
        time.sleep(2)  # two more ticks: nothing is sent twice
    finally:
        worker.stop()  # before the line goes: a tick in between would see a second outage
        line.cut()
    log = worker.log()
    print(log)
    assert sorted(message["Subject"] for message in smtp_server.messages) == ["Before 0", "During 0", "During 1"]
    assert log.count("Database unavailable, trying again on the next tick") == 1, log  # said once, not every tick
    assert "Database reachable again." in log and "Traceback" not in log
    assert worker.process.returncode == 0 and log.rstrip().endswith("Worker stopped."), log
