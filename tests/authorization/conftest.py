"""The matrix puts the world's rows back before every test (test_matrix.world), so the
emptying after every test is done once, when the module is done."""

import pytest

from tests.conftest import empty_database


@pytest.fixture(autouse=True)
def _clean_database(app):
    """In place of the suite's emptying after every test (tests/conftest.py)."""
    yield


@pytest.fixture(scope="module", autouse=True)
def _empty_when_done(app):
    yield
    empty_database(app)
