"""Resuming a prefix walk after a key (`Overlay.iter_prefix(start_after=)`, `BoundStorage.iter_from`): the block
hooks that walk large maps in bounded batches rely on it (Credit's rescoring after a new scorecard)."""
from __future__ import annotations

import random
from itertools import islice

from chain.storage import Overlay, StateBackend
from chain.testing import TestChain, account


def test_overlay_resumes_after_a_key_merging_changes_over_the_backend() -> None:
    rng = random.Random(7)
    keys = sorted({bytes([1, rng.randrange(256), rng.randrange(256)]) for _ in range(200)})
    backend = StateBackend((k, b"b" + k) for k in keys[::2])
    overlay = Overlay(backend)
    for k in keys[1::2]:
        overlay.set(k, b"o" + k)           # new keys in the block
    for k in keys[::6]:
        overlay.delete(k)                  # deleted backend keys
    overlay.set(b"\x02\x00", b"other prefix")
    full = list(overlay.iter_prefix(b"\x01"))
    assert [k for k, _ in full] == sorted(set(keys) - set(keys[::6]))
    for cursor in (None, b"\x00", keys[0], keys[5], keys[6], keys[-2], keys[-1], b"\x01\xff\xff\xff"):
        expected = [kv for kv in full if cursor is None or kv[0] > cursor]
        assert list(overlay.iter_prefix(b"\x01", start_after=cursor)) == expected


def test_iter_from_walks_a_map_in_batches() -> None:
    t = TestChain()
    credit = t.rt.pallet("Credit")
    people = [account(f"P{i}") for i in range(25)]
    for who in people:
        credit.note_activity(who)
    every = [keys for keys, _ in credit.Behaviour.iter()]
    seen: list[tuple] = []
    cursor = None
    while True:
        batch = [keys for keys, _ in islice(credit.Behaviour.iter_from(cursor), 7)]
        if not batch:
            break
        seen += batch
        cursor = batch[-1]
    assert seen == every and sorted(k[0] for k in seen) == sorted(people)


def test_overlay_prefix_walks_agree_with_a_plain_merge_through_writes_and_rollbacks() -> None:
    """The overlay finds a storage item's changed keys through a per-item index (the 32-byte item prefix);
    whatever the writes, deletes and rolled-back transactions, a walk equals merging the changes by hand."""
    rng = random.Random(11)
    items = [bytes([i]) * 32 for i in range(3)]

    def key() -> bytes:
        return rng.choice(items) + bytes([rng.randrange(4), rng.randrange(8)])

    backend = StateBackend((key(), b"base") for _ in range(40))
    overlay = Overlay(backend)
    expected = dict(backend.items())
    saved: list[dict[bytes, bytes]] = []
    for step in range(600):
        op = rng.random()
        if op < 0.45:
            k = key()
            overlay.set(k, b"v%d" % step)
            expected[k] = b"v%d" % step
        elif op < 0.65:
            k = key()
            overlay.delete(k)
            expected.pop(k, None)
        elif op < 0.75:
            overlay.start_transaction()
            saved.append(dict(expected))
        elif op < 0.85 and saved:
            overlay.rollback_transaction()
            expected = saved.pop()
        elif saved:
            overlay.commit_transaction()
            saved.pop()
        prefix = rng.choice(items) + (bytes([rng.randrange(4)]) if rng.random() < 0.5 else b"")
        if rng.random() < 0.2:
            prefix = prefix[:rng.randrange(1, 32)]  # shorter than an item prefix: the whole block's changes
        after = key() if rng.random() < 0.3 else None
        walk = list(overlay.iter_prefix(prefix, start_after=after))
        assert walk == sorted((k, v) for k, v in expected.items()
                              if k.startswith(prefix) and (after is None or k > after)), step
