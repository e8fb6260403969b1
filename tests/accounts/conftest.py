from tests.amendments.conftest import p5  # noqa: F401 (a fixture for these tests too)
