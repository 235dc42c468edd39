"""Tests of chain/store.py: round trips, group commit, refusals that change nothing, archive reads,
truncation, the directory lock, SIGKILL at random instants, and tampering with the stored bytes."""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from chain.errors import BlockError, CorruptStore, StoreError, UnknownBlock
from chain.store import DB_NAME, INDEX_NAME, BlockStore, StoredBlock

ROOT = Path(__file__).resolve().parent.parent
ZERO = bytes(32)
KEYS = [b"acct/" + bytes([i]) for i in range(12)] + [b"meta/x", b"meta/y", b"\xff\xff", b"\xff\xff\x01"]


def h(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


def make_chain(count: int, *, start: int = 0, parent: bytes = ZERO, seed: int = 0) -> list[StoredBlock]:
    """Deterministic blocks: a few extrinsics each, changes over KEYS including deletions."""
    rng = random.Random(seed * 1000 + start)
    out = []
    for n in range(start, start + count):
        header = parent + n.to_bytes(4, "little") + rng.randbytes(8)
        changes: dict[bytes, bytes | None] = {}
        for k in rng.sample(KEYS, 5):
            changes[k] = None if rng.random() < 0.25 else rng.randbytes(rng.randint(0, 12))
        xts = [b"xt:%d:%d:" % (n, i) + rng.randbytes(10) for i in range(rng.randint(0, 4))]
        b = StoredBlock(n, h(header), parent, header, xts, changes, b"events:%d" % n)
        out.append(b)
        parent = b.block_hash
    return out


def states_after(blocks: list[StoredBlock]) -> list[dict[bytes, bytes]]:
    """The model: the state after each block."""
    state: dict[bytes, bytes] = {}
    out = []
    for b in blocks:
        for k, v in b.state_changes.items():
            if v is None:
                state.pop(k, None)
            else:
                state[k] = v
        out.append(dict(state))
    return out


def append(store: BlockStore, b: StoredBlock) -> None:
    store.append_block(b.number, b.block_hash, b.parent_hash, b.header, b.extrinsics, b.state_changes, b.events)


def assert_same(got: StoredBlock | None, want: StoredBlock) -> None:
    assert got is not None
    assert (got.number, got.hash, got.parent, got.header, got.extrinsics, got.events) == (
        want.number, want.block_hash, want.parent_hash, want.header, want.extrinsics, want.events)
    assert dict(got.state_changes) == dict(want.state_changes)


def assert_consistent(store: BlockStore) -> None:
    """Clean integrity check, and the materialized state equals the fold of the blocks' changes."""
    assert store.integrity_check() == []
    blocks = list(store.iter_blocks())
    head = store.head()
    assert len(blocks) == (head[0] + 1 if head else 0)
    want = states_after(blocks)[-1] if blocks else {}
    assert dict(store.current_state()) == want


@pytest.fixture
def chain_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_round_trip_blocks_state_and_meta(chain_dir: Path) -> None:
    blocks = make_chain(7)
    with BlockStore(chain_dir) as store:
        assert store.head() is None and store.get_block(0) is None and list(store.current_state()) == []
        store.set_meta("genesis_hash", "0x" + blocks[0].block_hash.hex())
        store.set_meta("genesis_config", '{"a": 1}')
        for b in blocks:
            append(store, b)
            assert store.head() == (b.number, b.block_hash)
        for b in blocks:
            assert_same(store.get_block(b.number), b)
            assert store.block_hash(b.number) == b.block_hash
            assert store.block_number(b.block_hash) == b.number
            for i, x in enumerate(b.extrinsics):
                assert store.extrinsic_location(h(x)) == (b.number, i)
        assert store.block_hash(99) is None and store.block_number(b"\x01" * 32) is None
        assert store.extrinsic_location(h(b"never")) is None
        assert [b.number for b in store.iter_blocks(2, 4)] == [2, 3, 4]  # end inclusive
        assert [b.number for b in store.iter_blocks(5)] == [5, 6]
        assert dict(store.current_state()) == states_after(blocks)[-1]
        assert [k for k, _ in store.current_state()] == sorted(states_after(blocks)[-1])
        assert_consistent(store)
    with BlockStore(chain_dir, create=False) as store:  # reopen resumes at the head
        assert store.head() == (6, blocks[-1].block_hash)
        assert store.get_meta("genesis_config") == '{"a": 1}' and store.get_meta("nope") is None
        for b in store.iter_blocks():
            assert_same(b, blocks[b.number])
        more = make_chain(2, start=7, parent=blocks[-1].block_hash)
        for b in more:
            mutable = dict(b.state_changes)
            store.append_block(b.number, b.block_hash, b.parent_hash, b.header, list(b.extrinsics), mutable)
            mutable.clear()  # the caller reusing its dict must not change what was stored
            mutable[b"acct/\x00"] = b"later"
        assert dict(store.current_state()) == states_after(blocks + more)[-1]
        assert_consistent(store)


def test_group_commit(chain_dir: Path) -> None:
    blocks = make_chain(9)
    with BlockStore(chain_dir) as store:
        store.append_blocks(blocks[:1])
        store.append_blocks(blocks[1:6])  # one transaction
        assert store.head() == (5, blocks[5].block_hash)
        broken = blocks[6:9]
        broken[2] = StoredBlock(8, broken[2].block_hash, b"\x07" * 32, broken[2].header, [], {b"acct/\x00": b"x"})
        with pytest.raises(BlockError, match="#8"):
            store.append_blocks(broken)
        assert store.head() == (5, blocks[5].block_hash) and store.get_block(6) is None  # all or nothing
        store.append_blocks(blocks[6:9])
        assert dict(store.current_state()) == states_after(blocks)[-1]
        assert_consistent(store)


def test_wrong_number_parent_or_hash_raises_and_changes_nothing(chain_dir: Path) -> None:
    blocks = make_chain(4)
    with BlockStore(chain_dir) as store:
        with pytest.raises(BlockError, match="expects block #0"):
            append(store, blocks[1])
        for b in blocks[:3]:
            append(store, b)
        before = (store.head(), dict(store.current_state()), [b.number for b in store.iter_blocks()])
        b3 = blocks[3]
        bad = [
            StoredBlock(5, b3.block_hash, b3.parent_hash, b3.header, [], {}),  # skips a number
            StoredBlock(2, b3.block_hash, b3.parent_hash, b3.header, [], {}),  # repeats a number
            StoredBlock(3, b3.block_hash, blocks[1].block_hash, b3.header, [], {b"acct/\x01": b"z"}),  # parent
            StoredBlock(3, blocks[1].block_hash, b3.parent_hash, b3.header, [], {}),  # hash already stored
        ]
        for b in bad:
            with pytest.raises(BlockError):
                store.append_blocks([b])
        with pytest.raises(TypeError):
            store.append_block(3, b3.block_hash, b3.parent_hash, b3.header, ["not bytes"], {})  # type: ignore[list-item]
        with pytest.raises(TypeError):
            store.append_block(3, b3.block_hash, b3.parent_hash, b3.header, [], {b"k": 5})  # type: ignore[dict-item]
        assert (store.head(), dict(store.current_state()), [b.number for b in store.iter_blocks()]) == before
        append(store, b3)  # the right block still goes in
        assert_consistent(store)


def test_storage_at_and_keys_paged_at_old_and_new_blocks(chain_dir: Path) -> None:
    blocks = make_chain(12, seed=3)
    model = states_after(blocks)
    with BlockStore(chain_dir) as store:
        store.append_blocks(blocks[:5])
        for b in blocks[5:]:
            append(store, b)
        deleted_somewhere = False
        for n, state in enumerate(model):
            for k in KEYS:
                assert store.storage_at(k, n) == state.get(k), (n, k)
                if n and k in model[n - 1] and k not in state:
                    deleted_somewhere = True
            for prefix in (b"", b"acct/", b"meta/", b"\xff\xff", b"zzz"):
                want = sorted(k for k in state if k.startswith(prefix))
                assert store.keys_paged(prefix, 1000, None, n) == want
                paged, start = [], None  # page through two keys at a time
                while page := store.keys_paged(prefix, 2, start, n):
                    paged += page
                    start = page[-1]
                assert paged == want
                if len(want) > 2:  # start_key is exclusive
                    assert store.keys_paged(prefix, 1000, want[1], n) == want[2:]
        assert deleted_somewhere
        head_state = model[-1]
        assert store.keys_paged(b"acct/", 1000, None) == sorted(k for k in head_state if k.startswith(b"acct/"))
        assert store.keys_paged(b"acct/", 3, b"a", None) == sorted(k for k in head_state if k.startswith(b"acct/"))[:3]
        assert store.keys_paged(b"acct/", 0, None) == []
        with pytest.raises(UnknownBlock):
            store.storage_at(KEYS[0], 12)
        with pytest.raises(UnknownBlock):
            store.keys_paged(b"", 10, None, -1)


def test_truncate_after_rolls_everything_back(chain_dir: Path) -> None:
    blocks = make_chain(9, seed=5)
    model = states_after(blocks)
    with BlockStore(chain_dir) as store:
        store.append_blocks(blocks)
        store.truncate_after(4)
        assert store.head() == (4, blocks[4].block_hash)
        assert store.get_block(5) is None and store.block_number(blocks[7].block_hash) is None
        assert dict(store.current_state()) == model[4]
        for x in blocks[6].extrinsics:
            assert store.extrinsic_location(h(x)) is None
        with pytest.raises(UnknownBlock):
            store.storage_at(KEYS[0], 5)
        assert_consistent(store)
        fork = make_chain(3, start=5, parent=blocks[4].block_hash, seed=99)  # a different branch on top
        store.append_blocks(fork)
        fork_model = states_after(blocks[:5] + fork)
        for n in range(8):
            for k in KEYS:
                assert store.storage_at(k, n) == fork_model[n].get(k)
        store.truncate_after(100)  # beyond the head: nothing to do
        assert store.head() == (7, fork[-1].block_hash)
        assert_consistent(store)
    with BlockStore(chain_dir) as store:
        assert dict(store.current_state()) == fork_model[-1]
        store.truncate_after(-1)
        assert store.head() is None and list(store.current_state()) == [] and store.integrity_check() == []
        store.append_blocks(blocks[:2])
        assert_consistent(store)


def test_lock_refuses_a_second_writer_and_allows_readers(chain_dir: Path) -> None:
    blocks = make_chain(3)
    with BlockStore(chain_dir) as writer:
        writer.append_blocks(blocks[:2])
        with pytest.raises(StoreError, match=rf"data directory .* is in use by process {os.getpid()}"):
            BlockStore(chain_dir)
        with BlockStore(chain_dir, read_only=True) as reader:
            assert reader.head() == (1, blocks[1].block_hash)
            with pytest.raises(StoreError, match="read-only"):
                append(reader, blocks[2])
            append(writer, blocks[2])  # the reader sees the writer's new block and state
            assert reader.head() == (2, blocks[2].block_hash)
            assert dict(reader.current_state()) == states_after(blocks)[-1]
            assert reader.storage_at(KEYS[3], 2) == states_after(blocks)[-1].get(KEYS[3])
            assert reader.integrity_check() == []
    with BlockStore(chain_dir) as writer:  # released on close
        assert writer.head() == (2, blocks[2].block_hash)
    with pytest.raises(StoreError, match="no Puhui store"):
        BlockStore(chain_dir.parent / "missing", read_only=True)
    with pytest.raises(StoreError, match="no Puhui store"):
        BlockStore(chain_dir.parent / "missing", create=False)


def test_readers_in_threads_while_writing(chain_dir: Path) -> None:
    blocks = make_chain(40, seed=7)
    errors: list[BaseException] = []
    stop = threading.Event()
    with BlockStore(chain_dir) as store:
        append(store, blocks[0])

        def read() -> None:
            try:
                while not stop.is_set():
                    n, _ = store.head()  # type: ignore[misc]
                    assert store.get_block(n) is not None
                    dict(store.current_state())
                    store.storage_at(KEYS[0], n // 2)
            except BaseException as e:  # noqa: BLE001
                errors.append(e)

        threads = [threading.Thread(target=read) for _ in range(3)]
        for t in threads:
            t.start()
        for b in blocks[1:]:
            append(store, b)
        stop.set()
        for t in threads:
            t.join()
        assert errors == []
        assert dict(store.current_state()) == states_after(blocks)[-1]


CHILD = textwrap.dedent("""
    import hashlib, os, random, sys
    sys.path.insert(0, sys.argv[1])
    from chain.store import BlockStore, StoredBlock
    store = BlockStore(sys.argv[2])
    rng = random.Random(os.getpid())
    head = store.head()
    n, parent = (head[0] + 1, head[1]) if head else (0, bytes(32))
    keys = [b"k" + bytes([i]) * 8 for i in range(256)]
    while True:
        group = []
        for _ in range(1 + (n % 3 == 0)):  # every third append is a group commit of two blocks
            header = parent + n.to_bytes(4, "little") + rng.randbytes(16)
            block_hash = hashlib.blake2b(header, digest_size=32).digest()
            changes = {k: (None if rng.random() < 0.1 else rng.randbytes(32)) for k in rng.sample(keys, 150)}
            xts = [rng.randbytes(100) for _ in range(200)]
            group.append(StoredBlock(n, block_hash, parent, header, xts, changes, b"ev"))
            n, parent = n + 1, block_hash
        store.append_blocks(group)
        for b in group:  # acknowledged: append_blocks returned
            sys.stdout.write(f"{b.number} {b.block_hash.hex()}\\n")
        sys.stdout.flush()
""")


def test_sigkill_at_random_instants_loses_no_acknowledged_block(tmp_path: Path) -> None:
    data = tmp_path / "data"
    rng = random.Random(1234)
    acked: dict[int, str] = {}
    for round_ in range(5):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), str(data)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        try:
            for _ in range(rng.randint(2, 12)):
                line = child.stdout.readline()
                assert line, child.stderr.read() if child.stderr else ""
                num, hexhash = line.split()
                acked[int(num)] = hexhash
            if round_ == 0:  # the child holds the directory: a second writer is told who
                with pytest.raises(StoreError, match=f"in use by process {child.pid}"):
                    BlockStore(data)
            threading.Event().wait(rng.random() * 0.05)
            child.send_signal(signal.SIGKILL)
            rest, _ = child.communicate()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert child.returncode == -signal.SIGKILL
        for line in rest.splitlines():  # written before the kill: acknowledged too
            if line.strip():
                num, hexhash = line.split()
                acked[int(num)] = hexhash
        with BlockStore(data, read_only=True) as reader:  # a dashboard on the dead node's directory
            assert reader.block_hash(max(acked)) == bytes.fromhex(acked[max(acked)])
            started = time.monotonic()
            try:
                dict(reader.current_state())
            except StoreError as e:  # the index lags and no writer runs: said at once, not after a wait
                assert "is it running?" in str(e) and time.monotonic() - started < 2
        with BlockStore(data) as store:
            head = store.head()
            assert head is not None and head[0] >= max(acked)
            for number, acked_hash in acked.items():
                assert store.block_hash(number) == bytes.fromhex(acked_hash), f"round {round_}: #{number} lost"
            assert_consistent(store)
            blocks = list(store.iter_blocks())
            model = states_after(blocks)
            for n in rng.sample(range(len(blocks)), min(5, len(blocks))):
                for k in rng.sample(sorted(model[-1]), 5):
                    assert store.storage_at(k, n) == model[n].get(k)


# ---------------------------------------------------------------- tampering
def tamper(path: Path, sql: str, *params: object) -> None:
    con = sqlite3.connect(path)
    con.execute(sql, params)
    con.commit()
    con.close()


def flip(blob: bytes, at: int) -> bytes:
    return blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1:]


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, list[StoredBlock]]:
    data = tmp_path / "data"
    blocks = make_chain(10, seed=11)
    with BlockStore(data) as store:
        store.set_meta("genesis_hash", blocks[0].block_hash.hex())
        store.append_blocks(blocks)
    return data, blocks


@pytest.mark.parametrize("column,part", [("extrinsics", "extrinsics"), ("changes", "state changes"),
                                         ("events", "events"), ("header", "header")])
def test_flipped_byte_in_a_block_part_is_reported_with_block_and_part(filled, column: str, part: str) -> None:
    data, blocks = filled
    con = sqlite3.connect(data / DB_NAME)
    blob = con.execute(f"SELECT {column} FROM blocks WHERE number=6").fetchone()[0]
    con.close()
    tamper(data / DB_NAME, f"UPDATE blocks SET {column}=? WHERE number=6", flip(blob, len(blob) // 2))
    with BlockStore(data) as store:
        with pytest.raises(CorruptStore, match=rf"^block #6: stored {part} do(es)? not match (their|its) checksum") as e:
            store.get_block(6)
        assert e.value.number == 6 and e.value.part == part
        assert_same(store.get_block(5), blocks[5])
        with pytest.raises(StoreError, match="block #6"):
            list(store.iter_blocks())
        problems = store.integrity_check()
        assert any(p.startswith(f"block #6: stored {part}") for p in problems), problems


def test_tampered_hash_parent_index_state_and_meta_are_reported(filled) -> None:
    data, blocks = filled
    tamper(data / DB_NAME, "UPDATE blocks SET hash=? WHERE number=3", b"\x09" * 32)
    tamper(data / INDEX_NAME, "UPDATE history SET value=? WHERE number=8 AND value IS NOT NULL "
                              "AND key=(SELECT key FROM history WHERE number=8 AND value IS NOT NULL LIMIT 1)", b"evil")
    key = next(k for k, v in blocks[2].state_changes.items() if v is not None)
    tamper(data / INDEX_NAME, "INSERT INTO xt_index VALUES(?, 2, 7)", b"\x01" * 32)
    tamper(data / DB_NAME, "UPDATE meta SET value='0xevil' WHERE key='genesis_hash'")
    with BlockStore(data) as store:
        with pytest.raises(CorruptStore, match="block #3: stored header"):
            store.get_block(3)
        with pytest.raises(CorruptStore, match="genesis_hash"):
            store.get_meta("genesis_hash")
        problems = "\n".join(store.integrity_check())
    assert "block #3: stored header does not match its checksum" in problems
    assert "block #4: parent hash" in problems  # the link from #4 no longer matches
    assert "block #8: the state history (history table) does not match" in problems
    assert "block #2: the extrinsic index (xt_index) does not match" in problems
    assert "genesis_hash" in problems
    assert key  # (kept for readability of the setup)


def test_tampered_current_state_is_reported(filled) -> None:
    data, blocks = filled
    key, value = sorted(states_after(blocks)[-1].items())[0]
    tamper(data / INDEX_NAME, "UPDATE state SET value=? WHERE key=?", b"forged", key)
    with BlockStore(data) as store:
        problems = store.integrity_check()
    last = max(b.number for b in blocks if key in b.state_changes)
    assert any(p.startswith(f"block #{last}: the current state of key 0x{key.hex()}") for p in problems), problems


def test_not_a_store_is_a_clean_store_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / DB_NAME).write_bytes(b"this is not a database " * 500)
    for kwargs in ({}, {"read_only": True}):
        with pytest.raises(StoreError, match="not a database|not a Puhui"):
            BlockStore(junk, **kwargs)  # type: ignore[arg-type]
    other = tmp_path / "other"
    other.mkdir()
    con = sqlite3.connect(other / DB_NAME)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a Puhui store"):
        BlockStore(other)
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        BlockStore(tmp_path / "file")


def exercise(data: Path) -> list[str]:
    """Open, read everything and integrity_check; any failure must be a StoreError. Returns the
    problems seen (exceptions as strings)."""
    seen: list[str] = []
    try:
        with BlockStore(data) as store:
            for step in (lambda: list(store.iter_blocks()), lambda: list(store.current_state()),
                         lambda: store.storage_at(KEYS[0], 5), lambda: store.keys_paged(b"", 100, None, 3)):
                try:
                    step()
                except StoreError as e:
                    seen.append(str(e))
            seen += store.integrity_check()
    except StoreError as e:
        seen.append(str(e))
    return seen


def logical_content(path: Path) -> list[tuple[str, list[tuple]]]:
    """Every row of every table and index of a SQLite file (to tell data from unused page space)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(t, con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()) for t in names]
    finally:
        con.close()


@pytest.mark.parametrize("name", [DB_NAME, INDEX_NAME])
def test_random_bytes_in_the_middle_of_a_file_are_reported_cleanly(tmp_path: Path, name: str) -> None:
    """Overwrite random bytes in the middle of a file: opening, reading and integrity_check raise
    nothing but StoreError, and report a problem unless the bytes hit only unused page space (free
    space inside a page: then every stored row is unchanged, which is checked)."""
    src = tmp_path / "src"
    blocks = make_chain(40, seed=21)
    fill = random.Random(21)
    big = [StoredBlock(b.number, b.block_hash, b.parent_hash, b.header, b.extrinsics * 40 + [fill.randbytes(3000)],
                       {**b.state_changes, **{b"bulk/%d/%d" % (b.number, i): fill.randbytes(40) for i in range(150)}},
                       b.events) for b in blocks]
    big = make_rechained(big)
    with BlockStore(src) as store:
        store.append_blocks(big)
    original = logical_content(src / name)
    size = (src / name).stat().st_size
    rng = random.Random(name)
    detected = 0
    for trial in range(6):
        data = tmp_path / f"t{trial}"
        shutil.copytree(src, data)
        with open(data / name, "r+b") as f:
            f.seek(rng.randrange(size // 4, 3 * size // 4))
            f.write(rng.randbytes(rng.choice([16, 256, 2048])))
        pristine = tmp_path / f"p{trial}"
        shutil.copytree(data, pristine)  # exercise() may rewrite the index; keep the damaged file as it was
        if exercise(data):  # raises if anything but StoreError escapes
            detected += 1
        else:
            assert logical_content(pristine / name) == original, f"trial {trial}: a changed row went unnoticed"
        shutil.rmtree(data)
        shutil.rmtree(pristine)
    assert detected >= 4


def make_rechained(blocks: list[StoredBlock]) -> list[StoredBlock]:
    out: list[StoredBlock] = []
    parent = ZERO
    for b in blocks:
        header = parent + b.header[32:]
        nb = StoredBlock(b.number, h(header), parent, header, b.extrinsics, b.state_changes, b.events)
        out.append(nb)
        parent = nb.block_hash
    return out


def test_index_is_rebuilt_when_missing_or_inconsistent(filled) -> None:
    data, blocks = filled
    for suffix in ("", "-wal", "-shm"):
        Path(str(data / INDEX_NAME) + suffix).unlink(missing_ok=True)
    with BlockStore(data) as store:  # rebuilt from the block blobs
        assert dict(store.current_state()) == states_after(blocks)[-1]
        assert_consistent(store)
    tamper(data / INDEX_NAME, "UPDATE progress SET number=50")  # claims blocks the store does not have
    with BlockStore(data) as store:
        assert_consistent(store)


def test_corrupt_block_met_while_indexing_is_reported_and_truncate_repairs(filled) -> None:
    data, blocks = filled
    con = sqlite3.connect(data / DB_NAME)
    blob = con.execute("SELECT changes FROM blocks WHERE number=7").fetchone()[0]
    con.close()
    tamper(data / DB_NAME, "UPDATE blocks SET changes=? WHERE number=7", flip(blob, 9))
    for suffix in ("", "-wal", "-shm"):  # the index must be rebuilt from the blobs, and meets #7
        Path(str(data / INDEX_NAME) + suffix).unlink(missing_ok=True)
    with BlockStore(data) as store:
        with pytest.raises(StoreError, match="indexing stopped: block #7: stored state changes do not match"):
            dict(store.current_state())
        assert any(p.startswith("block #7: stored state changes") for p in store.integrity_check())
        store.truncate_after(6)  # drop the damaged block: indexing resumes
        assert dict(store.current_state()) == states_after(blocks)[6]
        assert_consistent(store)


def test_backpressure_and_index_progress(chain_dir: Path) -> None:
    blocks = make_chain(16, seed=4)
    with BlockStore(chain_dir, max_index_lag=1) as store:
        for b in blocks[:8]:
            append(store, b)
            indexed = store.indexed_head()
            assert b.number - (-1 if indexed is None else indexed) <= 1  # never more than one block behind
        store.append_blocks(blocks[8:])  # a group larger than the lag still goes in
        store.wait_indexed()
        assert store.indexed_head() == 15
        assert dict(store.current_state()) == states_after(blocks)[-1]
        with pytest.raises(StoreError, match="index covers blocks up to #15, not #99"):
            store.wait_indexed(99, timeout=0.05)


def test_a_killed_index_writer_is_replaced_and_nothing_is_lost(chain_dir: Path) -> None:
    from chain import store_index_worker

    blocks = make_chain(12, seed=5)
    with BlockStore(chain_dir) as store:
        for b in blocks[:6]:
            append(store, b)
        store.wait_indexed()
        helper = store_index_worker._helper
        assert helper is not None and helper.proc.poll() is None
        helper.proc.kill()  # as if the OS killed it between two batches
        helper.proc.wait()
        for b in blocks[6:]:
            append(store, b)
        store.wait_indexed()
        assert store.indexed_head() == 11
        assert store_index_worker._helper is not helper
        assert_consistent(store)


def test_index_writer_batches_are_bounded_by_rows(chain_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import chain.store_index as si

    monkeypatch.setattr(si, "INDEX_BATCH_ROWS", 12)  # a few blocks a batch (each has 5 changes and 0-4 extrinsics)
    blocks = make_chain(20, seed=6)
    with BlockStore(chain_dir) as store:
        store.append_blocks(blocks)
        store.wait_indexed()
        assert store.indexed_head() == 19
        assert_consistent(store)


def test_index_writer_never_writes_a_batch_another_writer_already_wrote(chain_dir: Path) -> None:
    """The helper of a killed node exits between batches, so it may finish one while the restarted node
    indexes: a batch that does not start right after the progress marker writes nothing."""
    from chain import store_index_worker

    blocks = make_chain(6, seed=7)
    with BlockStore(chain_dir) as store:
        store.append_blocks(blocks)
        store.wait_indexed()
    assert store_index_worker.index_batch(str(chain_dir / INDEX_NAME), str(chain_dir / DB_NAME), 3, 5, 1000) == ("moved", 5)
    store_index_worker._forget(str(chain_dir / INDEX_NAME), str(chain_dir / DB_NAME))  # (called here, not in a helper)
    with BlockStore(chain_dir) as store:
        assert_consistent(store)


def test_workers_forked_while_a_store_is_open_do_not_keep_it_locked(tmp_path):
    """The signature-check pool forks while the node's store holds its lock; the workers outlive the
    node. Opening the same data directory again in this process must still work."""
    from chain.crypto import shutdown_verifier, start_verify_many
    from chain.node import Node

    shutdown_verifier()
    try:
        with Node(tmp_path / "c", seal="manual"):
            pending = start_verify_many([(1, bytes(64), b"m", bytes(32))] * 600, processes=2, min_batch=1)
            assert pending.result() == [False] * 600  # forked now, with the lock held
        with Node(tmp_path / "c", seal="manual") as node:  # the workers still run
            assert node.head.number == 0
        with pytest.raises(StoreError, match="in use"):  # and the lock is a real lock again
            with Node(tmp_path / "c", seal="manual"):
                BlockStore(tmp_path / "c")
    finally:
        shutdown_verifier()


def test_the_index_writers_kept_connection_is_handed_back_and_follows_a_rebuilt_index(chain_dir: Path) -> None:
    """The helper keeps its connection between batches; closing the store makes it close it (no WAL file
    left over), and a deleted and rebuilt index is written through a new one."""
    from chain import store_index_worker

    blocks = make_chain(12, seed=8)
    with BlockStore(chain_dir) as store:
        for b in blocks[:6]:
            append(store, b)
        store.wait_indexed()
        assert store.indexed_head() == 5
        assert dict(store.current_state()) == states_after(blocks)[5]
    assert not any(Path(str(chain_dir / name) + "-wal").exists() for name in (DB_NAME, INDEX_NAME))
    for suffix in ("", "-wal", "-shm"):
        Path(str(chain_dir / INDEX_NAME) + suffix).unlink(missing_ok=True)
    with BlockStore(chain_dir) as store:  # rebuilt by the same helper process, on the new file
        for b in blocks[6:]:
            append(store, b)
        store.wait_indexed()
        assert_consistent(store)
    assert store_index_worker._helper is not None and store_index_worker._helper.proc.poll() is None
