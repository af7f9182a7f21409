"""Writing mail to the outbox (``outbox``) and sending what is pending (``sender``)."""
