import pytest

from ocop.testing import ensure_reference_data


@pytest.fixture
def committed(transactional_db):
    """Rows committed for real, seen by the threads of a race test on their own connections. A transactional
    test before this one emptied every table at its end: the reference data comes back first."""
    ensure_reference_data()
