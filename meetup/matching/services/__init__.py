"""Meet-again operations: choose, reveal, end a match, keep notes.

Each takes the acting user (where there is one) and ``now`` explicitly, owns
its transaction, and raises a DomainError with a readable message."""
