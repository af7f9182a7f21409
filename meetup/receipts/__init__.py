"""Receipts (領収書) for fees paid at the door, numbered per community."""
