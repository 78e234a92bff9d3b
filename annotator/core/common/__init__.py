"""Records, errors and small helpers that every part of the core uses."""
