"""Changes to receipts: a community's issuer details, and issuing receipts."""
