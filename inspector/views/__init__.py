"""View models: what the desktop app shows, computed without Qt.

The Qt widgets in ``ui/`` show rows, text and spans that are built here, so the building is
tested without a display and runs wherever the app needs it: on a ``ui.worker.Task`` thread,
or in a child process that can be killed at once (``ui.viewers.child.in_child`` imports the
work function in a fresh process, which must not load Qt). A work function has the shape
``work(state, *args)`` (``source.State``) and never touches a widget.

- ``source``: ``MemberSource`` (a bundle member any thread can read) and ``State``.
- ``lines``: a member's lines: the checkpoint index, block reads, search, folds.
- ``packets``: packet rows and details; what a TLS or DNS payload starts with.
- ``har``: HAR entries with every credential masked.
- ``sql``: a dump's statements, a slow log's query classes, the highlighter's spans.
- ``findings``: a finding's detail text, its evidence lines, the findings filters.
- ``artifact_text``: a member as citable plain text (training mode).

Formats are read only through ``inspector.formats``; nothing here reads a format itself.
"""
