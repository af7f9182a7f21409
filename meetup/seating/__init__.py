"""Seating on the evening: an event becomes a grouping instance, the engine's
answer becomes a stored seating, and a published seating becomes encounters."""
