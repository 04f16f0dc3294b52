from tests.lists.conftest import api, world  # noqa: F401 - the demo district with list entry short-hands; API clients
