"""The panels' tests drive a real window whose network is a fake (tests/support/fake_network.py): no sockets."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gui.app import App
from tests.support.fake_network import FakeNetwork


@pytest.fixture
def fake() -> FakeNetwork:
    return FakeNetwork()


@pytest.fixture
def window(make_app: Callable[..., App], fake: FakeNetwork) -> App:
    """A window (make_app's) on the fake network: a test plays the core's part with `fake.emit(...)`."""
    return make_app(network=fake)
