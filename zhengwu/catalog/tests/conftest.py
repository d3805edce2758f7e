import copy

import pytest

from zhengwu.catalog.services import basic_catalog_read, catalog_load


@pytest.fixture
def catalog_data():
    """A private copy of the packaged basic catalog, safe to modify in a test."""
    return copy.deepcopy(basic_catalog_read())


@pytest.fixture
def loaded_catalog(db):
    return catalog_load(actor=None)
