"""Privacy: secrets found and masked, and what leaves the building redacted.

- ``secrets``: the secret scanner the HTTP analyzer, the knowledge base and the viewers
  mask with, over its detectors: ``shapes`` (tokens by their form, kept in step with
  detect-secrets), ``passwords`` (values a name or a command announces), ``escapes``
  (percent- and JSON-escaped text read decoded), ``matches`` (what a match is);
- ``redaction``: the front door of export-time redaction, over ``redactor`` (text and
  JSON, with ``personal`` data, random tokens from ``entropy``, the values it has seen in
  ``known``, JSON by its ``structured`` shape), ``pseudonyms`` (identifiers and their
  pseudonyms), ``gate`` (the independent last scan before writing), ``bundle_copy`` (the
  sanitized zip, over ``documents``, ``dumps``, ``captures`` and ``partial``).

Nothing is imported here, so that importing the scanner (as the analyzers and the viewers
do) does not load the whole redaction stack with it.
"""
