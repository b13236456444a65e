"""Suite-wide test settings.

Under CI (``CI`` set, as ``.ci/run`` is run), hypothesis derandomizes: each property test
explores the same examples every run, so a submission's result does not depend on luck.
Developers' runs stay random and keep exploring; a failure they find goes into the test
as an ``@example``.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
