"""What the tests share: factories, builders, fake servers, settings of the subprocesses the tests
start, and the helpers more than one test module uses. Test modules import from here, never from
another test module or from a conftest.py (tests/test_test_layout.py checks)."""
