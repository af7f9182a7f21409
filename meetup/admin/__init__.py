"""The site admin area: users, events, open reports across hosts, and the
platform's code of conduct. Only site admins reach it; to everyone else it
does not exist."""
