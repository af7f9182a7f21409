"""The code of conduct: the platform's versioned text and each attendee's
acknowledgement of it (reports, blocks and bans join this domain later)."""
