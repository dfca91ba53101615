"""A long-running process's heap set aside from the cyclic garbage collector once it has loaded what it keeps.

Python's collector walks every tracked object in a full collection, and a worker that has loaded the
classifier's models holds several hundred thousand (their vocabularies are dictionaries of words): each
full collection, set off by the allocations of an ingest batch, walked them all again, about a tenth
of the ingest's time. ``gc.freeze()`` moves the objects alive at start-up out of the collector's view
for good (they live as long as the process); what work creates later is collected as before.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def heap_settle(*, warm_classifier: bool = False) -> int:
    """Load what the process keeps (the first-pass classifier, when it will classify), then freeze the
    heap; returns how many objects were set aside."""
    if warm_classifier:
        try:
            from townsquare.classify.services import classify_texts

            classify_texts(["Townsquare warming up"])
        except Exception:  # a model that cannot load is reported by the first real use, not here
            log.warning("the classifier could not be loaded ahead of work", exc_info=True)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
