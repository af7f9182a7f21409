"""Pages that belong to no domain: the front page and the health check."""
