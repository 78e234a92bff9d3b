"""Every way out (CSV, JSON Lines, W3C Web Annotation, REFI-QDA) and REFI-QDA back in."""
