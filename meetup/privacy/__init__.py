"""Deleting an account everywhere: the one operation that reaches across
domains, so it sits above them (accounts, events, meet-again, conduct) and
calls each in turn.

Seats at upcoming events are given up first, each in its own locked
transaction so the waitlist moves on as for any cancellation. Then one
transaction removes the rest of the person's own data — their intros for
the day, private notes, meet-again choices, blocks, the communities they follow — ends their matches, and
scrubs the account. Reports about or by them stay with the hosts who must act
on them; history other people hold (who sat where) keeps its shape with a
nameless account.
"""
