"""How much of a customer's SQL and database logs the SQL analyzers put in their output.

Every statement, log message and query example that leaves this package goes through
``excerpt``: passwords are masked first, by ``inspector.privacy.secrets.mask_passwords``
(``IDENTIFIED BY '***'``), so the analysis and the report's redaction agree on what a
password is; then the text is cut to ``EXCERPT_CHARS``. ``MAX_EVENTS`` caps the timeline
events one artifact contributes.

>>> excerpt("  CREATE USER app IDENTIFIED BY 'Tr0ub4dor'  ")
"CREATE USER app IDENTIFIED BY '***'"
>>> excerpt("SELECT * FROM orders WHERE id = 1", limit=20)
'SELECT * FROM …'
"""

from __future__ import annotations

from inspector.formats.clipping import clip
from inspector.privacy.secrets import mask_passwords

# Characters of one excerpt, the ellipsis included.
EXCERPT_CHARS = 300
# Timeline events from one artifact.
MAX_EVENTS = 2000


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` stripped, its passwords masked, and cut to ``limit`` characters."""
    text = mask_passwords(text.strip())
    return clip(text, limit)
