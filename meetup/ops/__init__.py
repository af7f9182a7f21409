"""Running the service: backups and restores of the database."""
