"""Reading a customer's bundle, safely, in place.

A bundle is a folder, a single file, a zip, a tar (plain, gz, bz2, xz), or a single
compressed file; archives may nest (``support.zip!/node1.tgz!/logs/app.log``). The bundle
is untrusted input:

- nothing is extracted: members are read as streams, from the archive, every time;
- nothing is followed: symbolic and hard links, devices and FIFOs are listed as skipped
  members (with the reason), never opened; a folder is walked without following links;
- names are data: ``../`` and absolute names, control and bidi characters and invalid
  UTF-8 are shown escaped and flagged, and never used as host paths;
- one ``Budget`` bounds the scan (nesting depth, entries, decompressed bytes, compression
  ratio, time); hitting a limit skips the member with a recorded reason, and the bundle
  still opens.

``open_bundle(path)`` lists and sniffs every member; ``Bundle.open(artifact)`` gives a
decompressed stream of one member, later, in any process. Only ``BundleOpenError``
escapes ``open_bundle``; everything else becomes a ``Problem`` and a ``bundle.*`` finding.

The package, from the front to the bytes:

- ``reader``: ``Bundle``, ``BundleInfo``, ``open_bundle``, ``reopen_bundle``;
- ``scanner``: listing, sniffing and judging every member, nested archives included;
- ``layouts``: which collector made the bundle (Troubleshoot, must-gather, Insights,
  sosreport, kubectl dump) and the cluster or host it describes;
- ``findings``: the ``bundle.*`` rules and the findings made from the scan's notes;
- ``opening``: which container reads a path or a member, and ``BundleOpenError``;
- ``containers``, ``filesystem``, ``zips``, ``zip_recovery``, ``tars``: the containers;
- ``names``: member names shown safely, flagged, made unique;
- ``timestamps``: member modification times, as each container records them;
- ``sniff``: what a member is; ``streams``: guarded decompression and the limits.
"""

from inspector.bundle.findings import ARCHIVE_BOMB, MEMBER_SKIPPED, UNREADABLE, UNSAFE_PATH
from inspector.bundle.layouts import LAYOUT_NAMES, Layout
from inspector.bundle.names import printable_name, unsafe_name_reasons
from inspector.bundle.opening import BundleOpenError
from inspector.bundle.reader import Bundle, BundleInfo, open_bundle, reopen_bundle
from inspector.bundle.scanner import NEST
from inspector.bundle.timestamps import gzip_modified, modified_from_epoch, zip_modified

__all__ = [
    "ARCHIVE_BOMB", "LAYOUT_NAMES", "MEMBER_SKIPPED", "NEST", "UNREADABLE", "UNSAFE_PATH",
    "Bundle", "BundleInfo", "BundleOpenError", "Layout", "gzip_modified", "modified_from_epoch",
    "open_bundle", "printable_name", "reopen_bundle", "unsafe_name_reasons", "zip_modified",
]
