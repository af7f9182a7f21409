"""The site admin area: users, events, open reports across hosts, the
platform's code of conduct, and the outbox (every mail, sent or not). Only
site admins reach it; to everyone else it does not exist."""
