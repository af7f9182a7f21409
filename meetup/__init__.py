"""meetup: small themed exchange meetups, from registration to meeting again.

The app factory lives in :mod:`meetup.app`; it is imported lazily here so that
the pure engines (``meetup.grouping``) load without Flask.
"""


def create_app(config=None):
    """Build the Flask application (see :func:`meetup.app.create_app`)."""
    from meetup.app import create_app as _create_app

    return _create_app(config)
