"""The code of conduct in practice: the platform's versioned text and each
attendee's acknowledgement, reports after an event, private blocks, the
host's moderation (dismiss, warn, ban, lift) and bans from a host's events."""
