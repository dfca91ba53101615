"""A worker sets its start-up heap aside from the cyclic garbage collector, classifier loaded first."""

from __future__ import annotations

import gc

from townsquare.jobs.heap import heap_settle


def test_what_is_alive_at_start_is_set_aside_and_later_objects_are_not() -> None:
    from townsquare.classify import linear

    kept = [object()]
    try:
        frozen = heap_settle(warm_classifier=True)
        assert frozen == gc.get_freeze_count() > 0
        later = [object()]
        tracked = gc.get_objects()  # the collector's generations: not the objects set aside
        assert not any(o is kept for o in tracked)
        assert not any(o is linear.default_heads() for o in tracked)  # loaded by the warming
        assert any(o is later for o in tracked)
    finally:
        gc.unfreeze()
