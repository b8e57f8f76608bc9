"""How hard the fuzz tests push: ``make test`` runs them small, ``make fuzz`` sets
``LMS_TEST_FUZZ_SCALE`` (a multiplier of every example and step count) to run them long."""

from __future__ import annotations

import os

SCALE = max(1, int(os.environ.get("LMS_TEST_FUZZ_SCALE", "1")))

# ``make test`` replays the same examples every run (a red build names a real regression, not
# an unlucky draw); ``make fuzz`` draws new ones each time.
DERANDOMIZE = SCALE == 1
