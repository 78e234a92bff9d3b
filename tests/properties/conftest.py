"""Hypothesis profiles for the property tests.

"ci" (the default) keeps the whole suite inside its time budget on a 2-core
machine; HYPOTHESIS_PROFILE=thorough runs many more examples before a release or
after touching offsets, undo or the REFI-QDA code. Neither has a deadline: a
project file on a busy CI disk is slow now and then, which is no bug.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# No example database in CI: it would litter the checkout with .hypothesis/ and
# replay last run's failures as if they were new. A failure prints its seed blob instead.
settings.register_profile("ci", max_examples=20, deadline=None, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=400, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
