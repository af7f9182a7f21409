"""Communities: a host's recurring mixer, who runs it, and what each role may do."""
