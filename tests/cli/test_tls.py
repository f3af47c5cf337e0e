"""TLS on the terminal, as a person runs it: `serve --tls`; `send` and `connect` with each way of trusting.

Every peer is on loopback: Mayus's own faces, openssl's s_client and s_server, certificates made by
trustme for the paths that need an authority. Each test has a config folder of its own (conftest's
`config_home`), so the certificate made for you and the pins are the test's.
"""

from __future__ import annotations

import json
import re
import stat
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import trustme

from core import platforms
from tests.support.launcher import ServeProcess
from tests.support.processes import Interactive, mayus, run_watched
from tests.support.tls import OPENSSL, openssl_fingerprint, requires_openssl
from tests.support.waiting import WAIT

FINGERPRINT = re.compile(r"\b((?:[0-9A-F]{2}:){31}[0-9A-F]{2})\b")
WRONG_FINGERPRINT = ":".join(["AB"] * 32)


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


def _files_of(leaf: trustme.LeafCert, folder: Path) -> tuple[Path, Path]:
    """A trustme leaf written as the two PEM files `serve --cert --key` takes."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    return cert, key


def _cafile(ca: trustme.CA, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def _send(port: int, *args: str, texts: tuple[str, ...] = ("hola",)) -> tuple[int, str, str]:
    """`send --port PORT ARGS... TEXTS` in English; its exit code, stdout and stderr."""
    done = run_watched(mayus("send", "--port", str(port), "--lang", "en", *args, *texts), timeout=WAIT * 3)
    return done.code, done.stdout_head.decode("utf-8", "replace"), done.stderr


def _fingerprint_in(text: str) -> str:
    found = FINGERPRINT.search(text)
    assert found is not None, text
    return found.group(1)


@pytest.fixture
def tls_server(serve_process: Callable[..., ServeProcess]) -> ServeProcess:
    """`serve --tls`: the certificate made for you."""
    return serve_process("--tls")


# --- serve --tls ------------------------------------------------------------------------------


@requires_openssl
def test_serve_tls_makes_a_certificate_that_openssl_verifies_and_says_its_fingerprint(
    tls_server: ServeProcess, config_home: Path
) -> None:
    cert_file = config_home / "tls" / "mayus-cert.pem"
    assert OPENSSL is not None
    command = [OPENSSL, "s_client", "-connect", f"127.0.0.1:{tls_server.address[1]}", "-servername", "localhost"]
    command += ["-verify_hostname", "localhost", "-CAfile", str(cert_file), "-verify_return_error", "-ign_eof"]
    done = subprocess.run(command, input=b"hola desde openssl\nDESCONEXION\n", capture_output=True, timeout=WAIT)
    output = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, output + done.stderr.decode()
    assert "Verify return code: 0 (ok)" in output
    assert "HOLA DESDE OPENSSL" in output

    code, log = tls_server.interrupt()
    assert code == 0
    said = next(line for line in log.splitlines() if "TLS:" in line)
    assert f"a certificate was made for you in {cert_file.parent}" in said
    assert openssl_fingerprint(cert_file) == f"sha256 Fingerprint={_fingerprint_in(said)}"
    valid_until = (datetime.now(timezone.utc) + timedelta(days=365)).date().isoformat()
    assert f"valid until {valid_until}" in said


@pytest.mark.skipif(not platforms.OWNER_ONLY_FILE_MODES, reason="file modes are POSIX's")
def test_the_key_made_for_you_is_readable_by_you_only(tls_server: ServeProcess, config_home: Path) -> None:
    key = config_home / "tls" / "mayus-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_second_start_keeps_the_certificate_and_its_fingerprint(
    serve_process: Callable[..., ServeProcess],
) -> None:
    first = serve_process("--tls")
    _, first_log = first.interrupt()
    second = serve_process("--tls")
    _, second_log = second.interrupt()
    assert "a certificate was made for you" in first_log
    assert "TLS: the certificate made for you in" in second_log
    assert _fingerprint_in(first_log) == _fingerprint_in(second_log)


def test_serve_with_your_own_certificate_names_it(
    serve_process: Callable[..., ServeProcess], ca: trustme.CA, tmp_path: Path
) -> None:
    cert, key = _files_of(ca.issue_cert("localhost"), tmp_path)
    server = serve_process("--cert", str(cert), "--key", str(key))
    code, out, err = _send(server.address[1], "--ca", str(_cafile(ca, tmp_path)))
    assert (code, out) == (0, "HOLA\n"), err
    assert "verified: an authority vouches for it and it names localhost" in err
    _, log = server.interrupt()
    assert f"TLS: your certificate {cert}" in log


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["--cert", "{cert}"], 2, "--cert and --key go together"),
        (["--key", "{key}"], 2, "--cert and --key go together"),
        (["--cert", "{missing}", "--key", "{key}"], 1, "does not exist"),
        (["--cert", "{key}", "--key", "{key}"], 1, "cannot be read as a PEM certificate"),
    ],
    ids=["cert alone", "key alone", "missing file", "a key for a certificate"],
)
def test_serve_with_unusable_certificate_files_says_why_and_does_not_start(
    ca: trustme.CA, tmp_path: Path, args: list[str], code: int, said: str
) -> None:
    cert, key = _files_of(ca.issue_cert("localhost"), tmp_path)
    paths = {"cert": str(cert), "key": str(key), "missing": str(tmp_path / "missing.pem")}
    command = mayus("serve", "--port", "0", "--lang", "en", *[arg.format(**paths) for arg in args])
    done = run_watched(command, timeout=WAIT * 3)
    assert done.code == code
    assert said in done.stderr
    assert "Traceback" not in done.stderr


# --- the client's three modes ---------------------------------------------------------------------


def test_verify_refuses_the_self_signed_certificate_in_plain_words(tls_server: ServeProcess) -> None:
    code, out, err = _send(tls_server.address[1], "--tls")
    assert (code, out) == (1, "")
    assert "is self-signed: no authority vouches for it" in err
    assert "Traceback" not in err


def test_pin_shows_the_first_certificate_trusts_it_and_refuses_another(
    tls_server: ServeProcess, config_home: Path
) -> None:
    port = tls_server.address[1]
    code, out, err = _send(port, "--pin")
    assert (code, out) == (0, "HOLA\n"), err
    assert "seen for the first time: compare the fingerprint" in err
    shown = _fingerprint_in(err)
    assert shown == _fingerprint_in(tls_server.interrupt()[1])
    pins = json.loads((config_home / "pins.json").read_text(encoding="utf-8"))
    assert pins == {f"localhost:{port}": shown}


def test_a_pin_trusted_before_is_checked_on_the_next_connect(tls_server: ServeProcess, config_home: Path) -> None:
    port = tls_server.address[1]
    _send(port, "--pin")
    code, out, err = _send(port, "--pin")
    assert (code, out) == (0, "HOLA\n"), err
    assert "the certificate you trust" in err
    (config_home / "pins.json").write_text(json.dumps({f"localhost:{port}": WRONG_FINGERPRINT}), encoding="utf-8")
    code, out, err = _send(port, "--pin")
    assert (code, out) == (1, "")
    assert "is not the one you trusted" in err
    assert _fingerprint_in(err) != WRONG_FINGERPRINT


def test_a_fingerprint_given_is_checked_and_pinned(tls_server: ServeProcess, config_home: Path) -> None:
    port = tls_server.address[1]
    code, _, err = _send(port, "--fingerprint", WRONG_FINGERPRINT)
    assert code == 1 and "is not the one you trusted" in err
    assert not (config_home / "pins.json").exists()  # a refused certificate is never pinned
    right = _fingerprint_in(err).replace(":", "").lower()  # pasted in another usual form
    code, out, err = _send(port, "--fingerprint", right)
    assert (code, out) == (0, "HOLA\n"), err
    code, out, err = _send(port, "--pin")
    assert (code, out) == (0, "HOLA\n") and "the certificate you trust" in err


def test_insecure_connects_and_says_it_is_not_verified(tls_server: ServeProcess) -> None:
    code, out, err = _send(tls_server.address[1], "--insecure", texts=("hola", "ñandú"))
    assert (code, out) == (0, "HOLA\nÑANDÚ\n"), err
    assert "NOT verified: anyone in between could read or change what is sent" in err


def test_connect_says_how_the_link_is_secured_before_anything_else(tls_server: ServeProcess) -> None:
    face = Interactive(mayus("connect", "--port", str(tls_server.address[1]), "--insecure", "--lang", "es"))
    try:
        face.expect("conectado a localhost")
        assert "NO verificado" in face.lines[0]  # said before "connected": the user reads it first
        face.type(b"hola")
        face.expect("HOLA")
        face.end_input()
        assert face.wait() == 0
    finally:
        face.close()


# --- the verify path's failures, with an authority of the test's own ---------------------------------


@pytest.mark.parametrize(
    ("names", "not_after", "said"),
    [
        (("example.test",), None, "does not name localhost"),
        (("localhost",), datetime.now(timezone.utc) - timedelta(days=1), "is out of date"),
    ],
    ids=["name mismatch", "expired"],
)
def test_verify_names_a_bad_certificate_in_plain_words(
    serve_process: Callable[..., ServeProcess],
    ca: trustme.CA,
    tmp_path: Path,
    names: tuple[str, ...],
    not_after: datetime | None,
    said: str,
) -> None:
    not_before = None if not_after is None else not_after - timedelta(days=30)
    cert, key = _files_of(ca.issue_cert(*names, not_before=not_before, not_after=not_after), tmp_path)
    server = serve_process("--cert", str(cert), "--key", str(key))
    code, out, err = _send(server.address[1], "--ca", str(_cafile(ca, tmp_path)))
    assert (code, out) == (1, "")
    assert said in err


def test_verify_refuses_a_certificate_of_another_authority(
    serve_process: Callable[..., ServeProcess], ca: trustme.CA, tmp_path: Path
) -> None:
    cert, key = _files_of(ca.issue_cert("localhost"), tmp_path)
    server = serve_process("--cert", str(cert), "--key", str(key))
    code, _, err = _send(server.address[1], "--ca", str(_cafile(trustme.CA(), tmp_path / "other")))
    assert code == 1
    assert "is not trusted" in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--ca", "{missing}"], "does not exist"),
        (["--ca", "{not_pem}"], "cannot be read as a PEM certificate"),
        (["--fingerprint", "zz"], "a fingerprint is 64 hex digits"),
        (["--pin", "--insecure"], "not allowed with argument"),
    ],
    ids=["missing CA file", "CA file not PEM", "not a fingerprint", "two modes"],
)
def test_unusable_tls_options_are_one_plain_line_and_exit_2(tmp_path: Path, args: list[str], said: str) -> None:
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("hola\n", encoding="utf-8")
    paths = {"missing": str(tmp_path / "missing.pem"), "not_pem": str(not_pem)}
    done = run_watched(mayus("send", "--port", "9", "--lang", "en", *[a.format(**paths) for a in args], "x"))
    assert done.code == 2
    assert said in done.stderr
    assert "Traceback" not in done.stderr


# --- one end with TLS, the other without ---------------------------------------------------------------


def test_a_plain_send_to_a_tls_server_is_told_on_both_ends(tls_server: ServeProcess) -> None:
    code, out, err = _send(tls_server.address[1])
    assert (code, out) == (1, "")
    assert "the server uses TLS but the client does not" in err
    _, log = tls_server.interrupt()
    assert "disconnected (127.0.0.1:" in log and "the server uses TLS but the client does not" in log


def test_a_tls_send_to_a_plain_server_is_told(serve_process: Callable[..., ServeProcess]) -> None:
    plain = serve_process()
    code, out, err = _send(plain.address[1], "--insecure")
    assert (code, out) == (1, "")
    assert "the client uses TLS but the server does not" in err


# --- openssl's server ------------------------------------------------------------------------------------


@pytest.fixture
def s_server(ca: trustme.CA, tmp_path: Path) -> Iterator[int]:
    """openssl s_server with a certificate of `ca` for localhost, reversing each line (-rev); its port."""
    assert OPENSSL is not None
    cert, key = _files_of(ca.issue_cert("localhost"), tmp_path)
    command = [OPENSSL, "s_server", "-accept", "127.0.0.1:0", "-cert", str(cert), "-key", str(key), "-rev"]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert process.stdout is not None
        line = ""
        while not line.startswith("ACCEPT"):
            line = process.stdout.readline().decode("utf-8", "replace")
            assert line, "s_server ended before it listened"
        yield int(line.strip().rsplit(":", 1)[1])
    finally:
        process.kill()
        process.communicate()


@requires_openssl
def test_send_verifies_openssl_s_server_with_a_ca_file(s_server: int, ca: trustme.CA, tmp_path: Path) -> None:
    code, out, err = _send(s_server, "--ca", str(_cafile(ca, tmp_path)), "--reply-timeout", "1", texts=("abc",))
    assert out == "cba\n", err
    assert "verified: an authority vouches for it and it names localhost" in err
    assert code == 0
