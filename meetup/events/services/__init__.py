"""Event operations. Each is one transaction that either happens whole or
raises a DomainError and changes nothing; each takes the acting user and
``now`` explicitly."""
