"""What the seating pages read: the host's tables, an attendee's own tables,
and who met whom. One module a concept."""
