"""Growing pauses between log-in attempts on one account, whatever the
address they come from, counted in the rate limiter's storage (Redis when
several app servers run) so every worker sees the same count.

After a few failed log-ins on an account, each further attempt must wait
longer than the one before — 1, 2, 4, 8… seconds, never more than
LOGIN_DELAY_MAX_SECONDS. A guesser spread over many addresses gets a try
every few seconds at most; the owner, from any address, waits seconds and is
never locked out. A successful log-in clears the count.
"""

import math
import time

from flask import current_app

from meetup.extensions import limiter

# Failures are counted in windows of this many seconds from the first one.
FAILURE_WINDOW = 15 * 60


def _keys(account: str) -> tuple[str, str]:
    return f"login-failures/{account}", f"login-turn/{account}"


def delay_after(failures: int, *, free: int, maximum: int) -> int:
    """Seconds between attempts once an account has had ``failures`` failed log-ins."""
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 32), maximum)


def seconds_to_wait(account: str) -> int:
    """0 when this attempt on ``account`` may check a password now (and
    takes the account's turn for the current delay), else the seconds until
    the next attempt may."""
    failures_key, turn_key = _keys(account)
    storage = limiter.storage
    delay = delay_after(
        storage.get(failures_key),
        free=current_app.config["LOGIN_FAILURES_BEFORE_DELAY"],
        maximum=current_app.config["LOGIN_DELAY_MAX_SECONDS"],
    )
    # The counter's increment is atomic in every storage: of attempts racing
    # on several workers, exactly one takes the turn.
    if delay == 0 or storage.incr(turn_key, delay) == 1:
        return 0
    return max(1, math.ceil(storage.get_expiry(turn_key) - time.time()))


def record_failure(account: str) -> None:
    limiter.storage.incr(_keys(account)[0], FAILURE_WINDOW)


def record_success(account: str) -> None:
    for key in _keys(account):
        limiter.storage.clear(key)
