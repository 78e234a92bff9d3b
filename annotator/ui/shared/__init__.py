"""The window on a shared project: the live feed, the connection's state, the connection form."""
