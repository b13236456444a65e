"""Batch triage: many bundles through the engine, on this machine or a Dask cluster.

- ``sources``: which bundles (folders, globs, manifests) -> ``BundleRef``;
- ``tasks``: what a worker does with one bundle (``analyse``) -> ``Outcome``;
- ``local``: ``LocalPool``, a process pool here (``--engine local``, the default);
- ``cluster``: ``DaskCluster``, an existing Dask distributed cluster (``dask://HOST:PORT``);
- ``run``: ``triage``: skip what is done, write each analysis, record it in the case
  database, report each result.

No scheduling of our own: the pool is ``concurrent.futures``, the cluster is Dask's.
``cluster`` is not imported here: Dask takes most of a second to import, and only a run on
a cluster needs it.
"""

from inspector.triage.local import LocalPool
from inspector.triage.run import BundleResult, output_path, triage
from inspector.triage.sources import BundleRef, bundle_refs
from inspector.triage.tasks import Outcome, Status, TriageError, analyse

__all__ = [
    "BundleRef", "BundleResult", "LocalPool", "Outcome", "Status", "TriageError", "analyse",
    "bundle_refs", "output_path", "triage",
]
