"""Privacy: secrets found and masked, and what leaves the building redacted.

- ``secrets``: the one secret scanner; the HTTP analyzer, the knowledge base and the viewers
  mask what it finds.
- ``redaction``: the front door of export-time redaction, over ``pseudonyms`` (identifiers
  and their pseudonyms), ``redactor`` (text and JSON), ``gate`` (the last scan before
  writing), ``bundle_copy`` (the sanitized zip) and ``captures`` (captures cut to headers).

Nothing is imported here, so that importing the scanner (as the analyzers and the viewers
do) does not load the whole redaction stack with it.
"""
