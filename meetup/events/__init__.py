"""Events and registration: hosting, the capacity-guarded waitlist, door
check-in and the mail each change causes."""
