"""gunicorn settings for one app server: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Threaded workers, two per core with sixteen threads each: requests wait on
PostgreSQL, and a sync worker is held by every open connection (in an earlier
run of benchmarks/load.py, gthread beat sync on every page). benchmarks/LOAD.md
measures exactly this set-up.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
# Enough threads for the open keep-alive connections a worker holds: with 4, one request in
# fifty waited 0.2-1 s for a thread (benchmarks/LOAD.md, 50 users thinking); with 16, p99 is ms.
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
# Each worker keeps its own SQLAlchemy pool (5 + 10 overflow): workers x 15
# must stay under PostgreSQL's max_connections across all app servers.
timeout = 30  # forming tables for a big evening takes a few seconds, never thirty
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections open (see deploy/nginx/meetup.conf)
max_requests = 2000  # recycle workers now and then; jitter keeps them from restarting together
max_requests_jitter = 200
# Import the app once in the master: a recycled worker is then a cheap fork, not a
# second of re-importing Flask, SQLAlchemy and the templates while requests wait.
preload_app = True
accesslog = "-"  # to the journal; nginx keeps its own log too
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"  # only the local nginx; PROXY_COUNT=1 makes Flask trust it


def when_ready(server):
    """Before the first fork: compile the templates and load the translations
    once, so that no worker, new or recycled, builds them while requests wait.

    Then freeze what the master holds (the app, its templates, catalogues and
    libraries: some 160,000 objects) out of the garbage collector's reach: a
    worker's full collections no longer walk them, and its pages stay shared
    with the master instead of being copied when the collector touches them.
    About a tenth less CPU per request in benchmarks/load.py's in-process
    measurement, /healthz and pages alike."""
    import gc

    from meetup.app import warm_up
    from wsgi import app

    warm_up(app)
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    """A forked worker must not share the master's database connections (SQLAlchemy's advice)."""
    from meetup.extensions import db
    from wsgi import app

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
