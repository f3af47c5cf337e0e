"""core/pins.py: pins kept per host and port, shared through one file, safe against a damaged file."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.pins import MAX_PINS, PinStore, pin_key

FINGERPRINT = ":".join(["AB"] * 32)
OTHER = ":".join(["01"] * 32)


def test_a_pin_is_kept_per_host_and_port_and_read_by_another_store(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "pins.json"
    PinStore(path).remember("LocalHost", 5000, FINGERPRINT.lower())
    other_face = PinStore(path)
    assert other_face.get("localhost", 5000) == FINGERPRINT
    assert other_face.get("localhost", 5001) is None
    assert other_face.get("127.0.0.1", 5000) is None


def test_a_new_pin_replaces_the_old_and_forget_removes_it(tmp_path: Path) -> None:
    store = PinStore(tmp_path / "pins.json")
    store.remember("::1", 7, FINGERPRINT)
    store.remember("::1", 7, OTHER.replace(":", ""))
    assert store.all() == {"[::1]:7": OTHER}
    assert store.forget("::1", 7) is True
    assert store.forget("::1", 7) is False
    assert store.get("::1", 7) is None


def test_a_value_that_is_not_a_fingerprint_is_refused(tmp_path: Path) -> None:
    store = PinStore(tmp_path / "pins.json")
    with pytest.raises(ValueError):
        store.remember("localhost", 5000, "not one")
    assert not (tmp_path / "pins.json").exists()


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b"\xff\xfe", b'{"localhost:5000": 12, "x:1": "zz"}'],
    ids=["broken", "a list", "not utf-8", "wrong values"],
)
def test_a_damaged_file_reads_as_no_pins_and_is_replaced_on_the_next_pin(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "pins.json"
    path.write_bytes(content)
    store = PinStore(path)
    assert store.all() == {}
    store.remember("localhost", 5000, FINGERPRINT)
    assert PinStore(path).all() == {"localhost:5000": FINGERPRINT}


def test_a_huge_file_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "pins.json"
    entries = ", ".join(f'"h{i}:1": "{FINGERPRINT}"' for i in range(MAX_PINS + 50))
    path.write_text("{" + entries + "}", encoding="utf-8")
    assert len(PinStore(path).all()) == MAX_PINS


def test_keys_are_written_as_addresses_are() -> None:
    assert pin_key(" Example.ORG ", 443) == "example.org:443"
    assert pin_key("::1", 5000) == "[::1]:5000"
