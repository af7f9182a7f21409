"""Meet again: private double opt-in after each event, matches, private notes."""
