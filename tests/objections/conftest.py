from tests.lists.conftest import world  # noqa: F401 - the demo district with list entry short-hands
