"""Test helpers live beside this file (``tests/corpus.py``, ``tests/analyses.py``,
``tests/growth.py``); the suite-wide settings are in the repository's root ``conftest.py``,
which doctests share."""
