"""Accounts: sign-up, log-in, profiles, private contact details, languages."""
