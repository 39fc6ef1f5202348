"""The convoy's clock: driver hours, opening hours, sailings and truck bans.

The route's legs are timed as a convoy really keeps them: breaks and daily rests where the
driver-hours law requires them (at named truck parks where it can), a wait wherever a crossing is
closed, a ferry has not yet sailed or a truck ban is in force, and the border queue as its own
stretch. ``driver_rules`` holds the law, ``calendar`` the opening hours, sailings and bans, and
``schedule`` walks the route three times (earliest, expected, latest) to give every stretch its
window.
"""
