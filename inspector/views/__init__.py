"""View models: what the desktop app shows, computed without Qt.

The Qt widgets in ``ui/`` show rows, text and spans that are built here, so the building is
tested without a display and runs wherever the app needs it: on a ``ui.worker.Task`` thread,
or in a child process that can be killed at once (``ui.viewers.child.in_child`` imports the
work function in a fresh process, which must not load Qt). A work function has the shape
``work(state, *args)`` (``source.State``) and never touches a widget.

- ``source``: ``MemberSource`` (a bundle member any thread can read) and ``State``.
- ``lines``: a member's lines: the checkpoint index, block reads, search, folds.
- ``packets``: packet rows (protocol from the bytes, Info as Wireshark writes it), built
  with ``dissect`` (TLS, DNS, HTTP from the payload) and ``tcp_analysis`` (Wireshark's
  per-frame TCP analysis); ``packet_tree`` a frame's details tree with byte ranges;
  ``packet_fields`` and ``display_filter`` Wireshark's display-filter language;
  ``conversations`` Statistics > Conversations and Follow stream.
- ``har``: HAR entries with every credential masked, DevTools' tabs and filter.
- ``sql``: a dump's statements, a slow log's query classes, the highlighter's spans.
- ``findings``: a finding's detail text (facts as words), its evidence lines, the filters.
- ``citation``: what "add to report" writes; ``notices``: what the banner must say after
  an analysis; ``history``: Back and Forward.

Formats are read only through ``inspector.formats``; nothing here reads a format itself.
"""
