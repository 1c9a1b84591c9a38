"""pubconv._gc.paused: the collector is off inside, back on after, and what was built
inside skips the young generations (it is not scanned again by young collections)."""

from __future__ import annotations

import gc
import weakref

from pubconv._gc import paused


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector can free it


def test_collector_off_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():  # nested: the inner pause must not switch it back on
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_built_while_paused_go_to_the_oldest_generation_and_stay_collectable() -> None:
    with paused():
        kept = [[i] for i in range(1000)]
        garbage = _Node()
        garbage_id = id(garbage)
        gone = weakref.ref(garbage)
        del garbage
    assert gc.get_count()[0] < 100, "young generation emptied"
    assert gc.get_freeze_count() == 0, "nothing left frozen"
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(x) in oldest for x in kept[::100])
    assert garbage_id in oldest
    assert gone() is not None
    gc.collect()
    assert gone() is None, "cyclic garbage is still collected"


def test_objects_the_program_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused():
            _ = [[i] for i in range(100)]
        assert gc.get_freeze_count() == frozen, "paused() must not unfreeze the program's objects"
    finally:
        gc.unfreeze()
