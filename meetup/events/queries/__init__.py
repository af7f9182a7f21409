"""Read-side helpers for event pages, and what later steps (seating,
meet-again) read about an evening's attendees: one module a concept."""
