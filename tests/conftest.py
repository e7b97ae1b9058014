from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def in_root(monkeypatch):
    """Run from the repository root, where raw/ and clean/ are (sources are recorded relative)."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture(scope="session")
def cleaner():
    from cleaner import Cleaner

    return Cleaner()
