"""Account operations: each one a transaction that either happens whole or
raises a DomainError and changes nothing.

An address is confirmed (仮登録 → 本登録) by a signed link sent to it; a
forgotten password is replaced through another (meetup.tokens).
Whoever asks learns nothing about which addresses have an account: sign-up,
an address change and a reset request answer alike, and the mail to the
address says which it was.
"""
