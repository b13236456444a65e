"""HTTP analyzer: turns a browser or proxy HAR export into a diagnosis.

``HttpAnalyzer`` (``http``) says what went wrong in a HAR (Chrome, Firefox, Safari,
Charles, Insomnia, Fiddler) and proves it with entry numbers. The modules, in the order
the data flows:

- ``analyzer``: the analyzer: reads the HAR, what it reports;
- ``state``: what is gathered while the entries stream by: stats, waterfall, events;
- ``entries``: one entry normalized into a ``Record``; lenient number and time reading;
- ``entry_checks``: per-entry CORS, payload and caching verdicts;
- ``credentials``: the credentials the entries carry, masked;
- ``diagnosis``: what every finding family shares;
- ``errors``, ``performance``, ``navigation``, ``tokens``: the finding families.
"""

from analyzers.http.analyzer import HttpAnalyzer
from analyzers.http.entries import path_template

__all__ = ["HttpAnalyzer", "path_template"]
