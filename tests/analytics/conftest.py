"""Fixtures of the analytics tests: the fixture chains of chains.py, each built once per module and indexed."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from analytics.db import AnalyticsDB
from analytics.indexer import index
from chain.client import EmbeddedClient
from chain.node import Node
from tests.analytics.chains import build_community_chain, build_lending_chain, build_transfer_chain


@dataclass
class FixtureChain:
    base: Path
    client: EmbeddedClient
    node: Node


@pytest.fixture(scope="module")
def transfer_chain(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("transfer-chain")
    node, client = build_transfer_chain(base)
    yield FixtureChain(base, client, node)
    node.close()


def _indexed(tmp_path_factory: pytest.TempPathFactory, name: str, build):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp(name)
    node, client = build(base / "chain")
    db = AnalyticsDB(base / "analytics.duckdb")
    index(client, db)
    return FixtureChain(base, client, node), db


@pytest.fixture(scope="module")
def lending(tmp_path_factory: pytest.TempPathFactory):
    chain, db = _indexed(tmp_path_factory, "lending-chain", build_lending_chain)
    yield chain, db
    db.close()
    chain.node.close()


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory):
    chain, db = _indexed(tmp_path_factory, "community-chain", build_community_chain)
    yield chain, db
    db.close()
    chain.node.close()
