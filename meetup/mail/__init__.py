"""Outgoing mail: an outbox table written in the caller's transaction, and a
worker that sends what is pending through SMTP."""

from meetup.mail.services.outbox import enqueue, external_url

__all__ = ["enqueue", "external_url"]
