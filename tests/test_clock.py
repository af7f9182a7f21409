"""Every test starts at the suite's instant (MEETUP_TEST_NOW), whatever the wall clock says."""

from datetime import timedelta

from meetup.timeutil import utcnow
from tests import clock


def test_each_test_starts_at_the_suites_instant_and_the_clock_ticks(now):
    assert now == clock.NOW
    assert timedelta(0) <= utcnow() - now < timedelta(seconds=5)
