"""The case database's Alembic migrations, shipped with the package and run at open.

``env.py`` is what Alembic runs (``inspector.cases.database.upgrade`` starts it with an open
connection); ``versions/`` holds one module per schema revision, oldest first. A schema
change is a new module there with ``down_revision`` naming the previous head, written by
hand (autogenerate needs a live database and guesses), and the same change in
``inspector.cases.schema``.
"""
