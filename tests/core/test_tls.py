"""TLS building blocks: the certificate made for you, fingerprints, contexts, and every failure in plain words.

Handshakes run for real over loopback (asyncio on 127.0.0.1, port 0); openssl's s_server and s_client
check that the contexts work with another implementation.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import stat
import subprocess
import sys
from collections.abc import Coroutine
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from core import platforms
from core.errors import (
    CertificateFileMissing,
    CertificateFileUnreadable,
    CertificateNotSaved,
    ErrorKind,
    FingerprintChanged,
    KeyDoesNotMatch,
    Side,
    TlsMismatch,
    classify,
    error_info,
)
from core.tls import (
    CERT_FILE_NAME,
    KEY_FILE_MODE,
    KEY_FILE_NAME,
    MINIMUM_VERSION,
    RENEW_MARGIN,
    VALIDITY,
    CertificateOrigin,
    ClientMode,
    TlsIdentity,
    check_peer,
    check_plain_start,
    client_context,
    ensure_certificate,
    fingerprint_of_der,
    load_identity,
    looks_like_tls_record,
    normalize_fingerprint,
    peer_fingerprint,
    server_context,
    short_fingerprint,
)
from tests.support.launcher import REPO_ROOT
from tests.support.tls import (
    LOOPBACK,
    TlsServer,
    ask,
    close_writer,
    open_tls,
    openssl,
    openssl_fingerprint,
    plain_server,
    read_line_starting,
    requires_openssl,
)
from tests.support.waiting import WAIT
from words import Translator

HOST_NAME = "mayus-test-host"
POSIX_ONLY = pytest.mark.skipif(not platforms.OWNER_ONLY_FILE_MODES, reason="file modes are POSIX-only")

EN = Translator("en")  # errors in plain words, as the terminal and the window say them


def run(scenario: Coroutine[Any, Any, None]) -> None:
    """Run one async scenario in a fresh event loop; everything it started ends with it."""
    asyncio.run(asyncio.wait_for(scenario, 4 * WAIT))


@pytest.fixture
def made(tmp_path: Path) -> TlsIdentity:
    """The made-for-you certificate, in a fresh folder."""
    return ensure_certificate(tmp_path / "tls", hostname=HOST_NAME)


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


def identity_of_leaf(leaf: trustme.LeafCert, folder: Path) -> TlsIdentity:
    """Write a trustme certificate and key as PEM files and load them as the user's own."""
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert_file))
    leaf.private_key_pem.write_to_path(str(key_file))
    return load_identity(cert_file, key_file)


def cafile_of(ca: trustme.CA, folder: Path) -> Path:
    path = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def certificate_of(identity: TlsIdentity) -> x509.Certificate:
    return x509.load_pem_x509_certificate(identity.cert_file.read_bytes())


def der_of(identity: TlsIdentity) -> bytes:
    return certificate_of(identity).public_bytes(serialization.Encoding.DER)


# --- the certificate made for you ------------------------------------------------


def test_a_new_certificate_has_a_p256_key_the_names_and_one_year(tmp_path: Path) -> None:
    before = datetime.now(timezone.utc)
    identity = ensure_certificate(tmp_path / "tls", hostname=HOST_NAME)
    certificate = certificate_of(identity)
    assert identity.origin is CertificateOrigin.CREATED and identity.origin.is_new
    assert identity.cert_file == tmp_path / "tls" / CERT_FILE_NAME
    assert identity.key_file == tmp_path / "tls" / KEY_FILE_NAME
    public = certificate.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, ec.SECP256R1)
    assert certificate.issuer == certificate.subject  # self-signed
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {"localhost", HOST_NAME}
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    lifetime = certificate.not_valid_after_utc - before
    assert VALIDITY - timedelta(minutes=1) < lifetime <= VALIDITY + timedelta(minutes=1)
    assert identity.not_after == certificate.not_valid_after_utc
    assert sorted(p.name for p in identity.cert_file.parent.iterdir()) == [CERT_FILE_NAME, KEY_FILE_NAME]


def test_the_machines_own_name_is_used_when_none_is_given(tmp_path: Path) -> None:
    identity = ensure_certificate(tmp_path)
    names = certificate_of(identity).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    own = socket.gethostname().encode("idna").decode("ascii").lower()
    assert own in names.get_values_for_type(x509.DNSName) or own == "localhost"


def test_a_host_name_outside_ascii_or_an_address_goes_into_the_names_as_dns_allows(tmp_path: Path) -> None:
    accented = ensure_certificate(tmp_path / "a", hostname="Büro-PC")
    names = certificate_of(accented).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "xn--bro-pc-3ya" in names.get_values_for_type(x509.DNSName)
    by_address = ensure_certificate(tmp_path / "b", hostname="192.0.2.7")  # a name only: nothing is sent
    names = certificate_of(by_address).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "192.0.2.7" in {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}


@POSIX_ONLY
def test_the_key_file_is_0600_from_its_first_moment_whatever_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modes_before_rename: dict[str, int] = {}
    real_replace = os.replace

    def spying_replace(source: str, target: str) -> None:
        modes_before_rename[Path(target).name] = stat.S_IMODE(os.stat(source).st_mode)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spying_replace)
    old_umask = os.umask(0)  # the most open umask there is: the mode must not rely on it
    try:
        identity = ensure_certificate(tmp_path / "tls", hostname=HOST_NAME)
    finally:
        os.umask(old_umask)
    assert modes_before_rename == {KEY_FILE_NAME: KEY_FILE_MODE, CERT_FILE_NAME: KEY_FILE_MODE}
    assert stat.S_IMODE(identity.key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(identity.cert_file.parent.stat().st_mode) == 0o700


@POSIX_ONLY
def test_a_kept_key_that_someone_opened_up_is_closed_again(made: TlsIdentity) -> None:
    os.chmod(made.key_file, 0o644)
    again = ensure_certificate(made.cert_file.parent, hostname=HOST_NAME)
    assert again.origin is CertificateOrigin.KEPT
    assert stat.S_IMODE(made.key_file.stat().st_mode) == 0o600


def test_a_good_certificate_is_kept(made: TlsIdentity) -> None:
    again = ensure_certificate(made.cert_file.parent, hostname=HOST_NAME)
    assert again.origin is CertificateOrigin.KEPT and not again.origin.is_new
    assert again.fingerprint == made.fingerprint


def test_an_expired_certificate_is_renewed(made: TlsIdentity) -> None:
    later = made.not_after + timedelta(days=1)
    renewed = ensure_certificate(made.cert_file.parent, hostname=HOST_NAME, now=later)
    assert renewed.origin is CertificateOrigin.RENEWED and renewed.origin.is_new
    assert renewed.fingerprint != made.fingerprint
    assert renewed.not_after > later + VALIDITY - timedelta(minutes=1)
    assert certificate_of(renewed).not_valid_before_utc <= later


def test_renewal_starts_within_the_margin_and_not_before(made: TlsIdentity) -> None:
    folder = made.cert_file.parent
    just_outside = made.not_after - RENEW_MARGIN - timedelta(hours=1)
    assert ensure_certificate(folder, hostname=HOST_NAME, now=just_outside).origin is CertificateOrigin.KEPT
    just_inside = made.not_after - RENEW_MARGIN + timedelta(hours=1)
    assert ensure_certificate(folder, hostname=HOST_NAME, now=just_inside).origin is CertificateOrigin.RENEWED


def test_a_new_host_name_gets_a_new_certificate(made: TlsIdentity) -> None:
    renamed = ensure_certificate(made.cert_file.parent, hostname="renamed-host")
    assert renamed.origin is CertificateOrigin.RENEWED
    names = certificate_of(renamed).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "renamed-host" in names.get_values_for_type(x509.DNSName)


@pytest.mark.parametrize(
    "damage",
    ["garbage certificate", "garbage key", "empty key", "no certificate", "no key", "key of another certificate"],
)
def test_a_damaged_pair_is_replaced(made: TlsIdentity, tmp_path: Path, damage: str) -> None:
    if damage == "garbage certificate":
        made.cert_file.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64\n")
    elif damage == "garbage key":
        made.key_file.write_bytes(b"\x00\x01 not a key")
    elif damage == "empty key":
        made.key_file.write_bytes(b"")
    elif damage == "no certificate":
        made.cert_file.unlink()
    elif damage == "no key":
        made.key_file.unlink()
    else:
        other = ensure_certificate(tmp_path / "other", hostname=HOST_NAME)
        made.key_file.write_bytes(other.key_file.read_bytes())
    replaced = ensure_certificate(made.cert_file.parent, hostname=HOST_NAME)
    assert replaced.origin is CertificateOrigin.REPLACED
    assert load_identity(replaced.cert_file, replaced.key_file).fingerprint == replaced.fingerprint


def test_a_folder_that_cannot_be_made_is_a_plain_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CertificateNotSaved) as caught:
        ensure_certificate(blocker / "tls", hostname=HOST_NAME)
    info = error_info(caught.value, "", 0)
    assert info.kind is ErrorKind.CERT_NOT_SAVED and str(blocker / "tls") in EN.error(info)


def test_importing_the_module_does_not_load_cryptography() -> None:
    code = "import sys, core.tls; assert 'cryptography' not in sys.modules, 'loaded'"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# --- the user's own certificate ------------------------------------------------------


def test_the_users_own_certificate_loads_with_its_fingerprint(ca: trustme.CA, tmp_path: Path) -> None:
    leaf = ca.issue_cert("localhost")
    identity = identity_of_leaf(leaf, tmp_path)
    assert identity.origin is CertificateOrigin.USER and not identity.origin.is_new
    assert identity.fingerprint == fingerprint_of_der(der_of(identity))
    assert isinstance(server_context(identity), ssl.SSLContext)


def test_a_missing_file_is_a_plain_error(made: TlsIdentity, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.pem"
    for cert_file, key_file in ((missing, made.key_file), (made.cert_file, missing)):
        with pytest.raises(CertificateFileMissing) as caught:
            load_identity(cert_file, key_file)
        info = error_info(caught.value, "", 0)
        assert info.kind is ErrorKind.CERT_FILE_MISSING and str(missing) in EN.error(info)


@pytest.mark.parametrize("problem", ["not pem", "a folder", "key with a password", "key as certificate"])
def test_an_unreadable_file_is_a_plain_error(made: TlsIdentity, tmp_path: Path, problem: str) -> None:
    cert_file, key_file = made.cert_file, made.key_file
    if problem == "not pem":
        cert_file = tmp_path / "notes.txt"
        cert_file.write_text("hello")
    elif problem == "a folder":
        key_file = tmp_path
    elif problem == "key with a password":
        key = serialization.load_pem_private_key(made.key_file.read_bytes(), password=None)
        key_file = tmp_path / "locked.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(b"secret"),
            )
        )
    else:
        cert_file = made.key_file
    with pytest.raises(CertificateFileUnreadable) as caught:
        load_identity(cert_file, key_file)
    assert classify(caught.value) is ErrorKind.CERT_FILE_UNREADABLE


def test_a_key_that_is_not_the_certificates_is_a_plain_error(made: TlsIdentity, tmp_path: Path) -> None:
    other = ensure_certificate(tmp_path / "other", hostname=HOST_NAME)
    with pytest.raises(KeyDoesNotMatch) as caught:
        load_identity(made.cert_file, other.key_file)
    info = error_info(caught.value, "", 0)
    assert info.kind is ErrorKind.CERT_KEY_MISMATCH and str(made.cert_file) in EN.error(info)
    # The same pair, handed straight to server_context, says the same thing.
    mixed = TlsIdentity(made.cert_file, other.key_file, made.fingerprint, made.not_after, CertificateOrigin.USER)
    with pytest.raises(KeyDoesNotMatch):
        server_context(mixed)


# --- fingerprints -------------------------------------------------------------------


@requires_openssl
def test_the_fingerprint_is_the_one_openssl_shows(made: TlsIdentity) -> None:
    shown = openssl_fingerprint(made.cert_file)
    assert shown.split("=", 1)[1] == made.fingerprint
    assert normalize_fingerprint(shown) == made.fingerprint


def test_a_fingerprint_is_32_upper_case_pairs_and_has_a_short_form(made: TlsIdentity) -> None:
    pairs = made.fingerprint.split(":")
    assert len(pairs) == 32 and all(len(p) == 2 and p == p.upper() for p in pairs)
    assert made.short_fingerprint == ":".join(pairs[:4]) + "..." + ":".join(pairs[-4:])
    assert short_fingerprint(made.fingerprint.lower()) == made.short_fingerprint


@pytest.mark.parametrize(
    "form",
    [
        lambda fp: fp.lower(),
        lambda fp: fp.replace(":", ""),
        lambda fp: fp.replace(":", " "),
        lambda fp: f"  sha256 Fingerprint={fp}\n",
        lambda fp: f"SHA256 Fingerprint={fp.lower()}",
    ],
)
def test_a_fingerprint_typed_in_any_usual_form_is_understood(made: TlsIdentity, form: Any) -> None:
    assert normalize_fingerprint(form(made.fingerprint)) == made.fingerprint


@pytest.mark.parametrize("text", ["", "AB:CD", "ZZ" * 32, "AB" * 31, "AB" * 33])
def test_something_else_is_not_a_fingerprint(text: str) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        normalize_fingerprint(text)


# --- recognising TLS on a plain connection ---------------------------------------------


def _client_hello() -> bytes:
    """The first bytes a TLS client of ours sends, captured from OpenSSL in memory (no socket)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = client_context(ClientMode.INSECURE).wrap_bio(incoming, outgoing, server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def _alert_from_server(made: TlsIdentity) -> bytes:
    """The alert our server context sends back to a hello it cannot parse, captured in memory."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = server_context(made).wrap_bio(incoming, outgoing, server_side=True)
    incoming.write(b"\x16\x03\x01\x00\x04\x01\x00\x00\x00")  # a handshake record holding an empty ClientHello
    with pytest.raises(ssl.SSLError):
        tls.do_handshake()
    return outgoing.read()


def test_a_client_hello_and_an_alert_are_recognised(made: TlsIdentity) -> None:
    hello = _client_hello()
    assert looks_like_tls_record(hello) and hello[0] == 22  # a handshake record
    alert = _alert_from_server(made)
    assert looks_like_tls_record(alert) and alert[0] == 21  # an alert record
    assert looks_like_tls_record(hello[:3])  # three bytes are enough to tell


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x16\x03",
        b"hola\n",
        b"DESCONEXION",
        b"GET / HTTP/1.1\r\n",
        b"\x16\x03\x09\x00\x05",
        b"\x16\x03\x01\x00\x00",
    ],
)
def test_text_and_near_misses_are_not_tls(data: bytes) -> None:
    assert not looks_like_tls_record(data)


@given(st.text(min_size=1))
def test_no_text_looks_like_tls(text: str) -> None:
    data = text.encode("utf-8")
    if data[0] >= 0x20 or data[0] in (0x09, 0x0A, 0x0D):
        assert not looks_like_tls_record(data)


def test_check_plain_start_raises_the_mismatch_for_the_side_that_saw_it() -> None:
    check_plain_start(b"HOLA\n", Side.CLIENT)  # text: nothing happens
    hello = _client_hello()
    with pytest.raises(TlsMismatch) as by_server:
        check_plain_start(hello, Side.SERVER)
    assert classify(by_server.value) is ErrorKind.TLS_TO_PLAIN
    with pytest.raises(TlsMismatch) as by_client:
        check_plain_start(hello, Side.CLIENT)
    assert classify(by_client.value) is ErrorKind.PLAIN_TO_TLS


# --- contexts -------------------------------------------------------------------------


def test_contexts_need_tls_1_2_or_newer(made: TlsIdentity, tmp_path: Path, ca: trustme.CA) -> None:
    assert server_context(made).minimum_version is MINIMUM_VERSION is ssl.TLSVersion.TLSv1_2
    for mode in ClientMode:
        cafile = cafile_of(ca, tmp_path) if mode is ClientMode.VERIFY else None
        assert client_context(mode, cafile=cafile).minimum_version is MINIMUM_VERSION


def test_each_client_mode_says_what_it_checks(made: TlsIdentity) -> None:
    verify = client_context(ClientMode.VERIFY)
    assert verify.check_hostname and verify.verify_mode is ssl.CERT_REQUIRED and not verify.insecure
    pin = client_context(ClientMode.PIN, made.fingerprint.lower())
    assert pin.verify_mode is ssl.CERT_NONE and pin.pinned_fingerprint == made.fingerprint and not pin.insecure
    insecure = client_context(ClientMode.INSECURE)
    assert insecure.verify_mode is ssl.CERT_NONE and not insecure.check_hostname and insecure.insecure


def test_a_client_context_refuses_options_of_another_mode(made: TlsIdentity, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PIN"):
        client_context(ClientMode.VERIFY, made.fingerprint)
    with pytest.raises(ValueError, match="VERIFY"):
        client_context(ClientMode.INSECURE, cafile=made.cert_file)
    with pytest.raises(ValueError, match="SHA-256"):
        client_context(ClientMode.PIN, "not a fingerprint")


# --- handshakes that work, over loopback ---------------------------------------------------


def test_verify_with_a_trusted_certificate_connects_and_talks(ca: trustme.CA, tmp_path: Path) -> None:
    identity = identity_of_leaf(ca.issue_cert("localhost"), tmp_path)
    context = client_context(ClientMode.VERIFY, cafile=cafile_of(ca, tmp_path))

    async def scenario() -> None:
        async with TlsServer(server_context(identity)) as server:
            reader, writer = await open_tls(server.port, context, "localhost")
            assert await server.next_outcome() is None
            assert check_peer(writer, context) == identity.fingerprint
            assert await ask(reader, writer, b"hola\n") == b"HOLA\n"
            await close_writer(writer)

    run(scenario())


def test_the_made_certificate_verifies_for_each_loopback_name_once_trusted(made: TlsIdentity) -> None:
    context = client_context(ClientMode.VERIFY, cafile=made.cert_file)  # as if the user added it to the store

    async def scenario() -> None:
        async with TlsServer(server_context(made)) as server:
            for name in ("localhost", "127.0.0.1", "::1", HOST_NAME):
                reader, writer = await open_tls(server.port, context, name)
                assert await server.next_outcome() is None, name
                assert await ask(reader, writer, b"nombre\n") == b"NOMBRE\n"
                await close_writer(writer)

    run(scenario())


@pytest.mark.parametrize("pinned", [True, False], ids=["pinned", "first connect"])
def test_pin_mode_connects_and_reports_the_fingerprint(made: TlsIdentity, pinned: bool) -> None:
    context = client_context(ClientMode.PIN, made.fingerprint if pinned else None)

    async def scenario() -> None:
        async with TlsServer(server_context(made)) as server:
            reader, writer = await open_tls(server.port, context, LOOPBACK)
            assert check_peer(writer, context) == made.fingerprint
            assert check_peer(writer.transport, context) == made.fingerprint
            assert peer_fingerprint(writer.get_extra_info("ssl_object")) == made.fingerprint
            assert await ask(reader, writer, b"fijado\n") == b"FIJADO\n"
            await close_writer(writer)

    run(scenario())


def test_insecure_mode_connects_to_anything_and_says_so(made: TlsIdentity) -> None:
    context = client_context(ClientMode.INSECURE)

    async def scenario() -> None:
        async with TlsServer(server_context(made)) as server:
            reader, writer = await open_tls(server.port, context, "any.name.at.all")
            assert context.insecure and check_peer(writer, context) == made.fingerprint
            assert await ask(reader, writer, b"inseguro\n") == b"INSEGURO\n"
            await close_writer(writer)

    run(scenario())


def test_a_plain_connection_has_no_fingerprint() -> None:
    async def quiet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    async def scenario() -> None:
        async with plain_server(quiet) as port:
            _, writer = await asyncio.open_connection(LOOPBACK, port)
            with pytest.raises(ValueError, match="not use TLS"):
                peer_fingerprint(writer)
            await close_writer(writer)

    run(scenario())


# --- every failure in plain words, produced over loopback ------------------------------------------


async def client_failure(
    port: int, context: ssl.SSLContext, name: str = "localhost", timeout: float = WAIT
) -> Exception:
    """Connect over TLS, expecting the handshake to fail; return what it raised."""
    try:
        _, writer = await open_tls(port, context, name, handshake_timeout=timeout)
    except (OSError, ssl.SSLError) as exc:
        return exc
    await close_writer(writer)
    raise AssertionError("the handshake succeeded")


def assert_kind(exc: BaseException, kind: ErrorKind, handshake: Side | None) -> None:
    info = error_info(exc, LOOPBACK, 5000, handshake=handshake)
    assert info.kind is kind, f"{type(exc).__name__}: {exc}"
    assert "{" not in EN.error(info) and LOOPBACK in EN.error(info)


@pytest.mark.parametrize("first", [b"hola\n", b"DESCONEXION\n", b"GET / HTTP/1.1\r\n\r\n"])
def test_plain_tcp_to_a_tls_port_is_named_by_the_server(made: TlsIdentity, first: bytes) -> None:
    async def scenario() -> None:
        async with TlsServer(server_context(made)) as server:
            reader, writer = await asyncio.open_connection(LOOPBACK, server.port)
            writer.write(first)
            await writer.drain()
            failure = await server.next_outcome()
            assert failure is not None
            assert_kind(failure, ErrorKind.PLAIN_TO_TLS, Side.SERVER)
            # OpenSSL answers the first bytes that are not TLS with no alert: the plain client just sees the end.
            assert await asyncio.wait_for(reader.read(), WAIT) == b""
            await close_writer(writer)

    run(scenario())


def test_a_plain_client_that_reads_a_tls_alert_names_it(made: TlsIdentity) -> None:
    alert = _alert_from_server(made)

    async def alerting(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A TLS server of the kind that answers text with an alert (OpenSSL does not; others do).
        await reader.readline()
        writer.write(alert)
        await writer.drain()

    async def scenario() -> None:
        async with plain_server(alerting) as port:
            reader, writer = await asyncio.open_connection(LOOPBACK, port)
            writer.write(b"hola\n")
            first = await asyncio.wait_for(reader.read(100), WAIT)
            with pytest.raises(TlsMismatch) as caught:
                check_plain_start(first, Side.CLIENT)
            assert_kind(caught.value, ErrorKind.PLAIN_TO_TLS, None)
            await close_writer(writer)

    run(scenario())


async def _answers_text(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(1)
    writer.write(b"WELCOME TO A PLAIN SERVER\n")
    await writer.drain()
    await reader.read()


async def _echoes(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(await reader.read(65536))
    await writer.drain()
    await reader.read()


@pytest.mark.parametrize("plain", ["answers", "echoes", "hangs up"])
def test_tls_to_a_plain_port_is_named_by_the_client(plain: str) -> None:
    seen_by_server: list[TlsMismatch] = []

    async def hangs_up_on_tls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """A plain server that looks at the first bytes, as Mayus's plain server can: TLS is refused at once."""
        try:
            check_plain_start(await reader.read(65536), Side.SERVER)
        except TlsMismatch as exc:
            seen_by_server.append(exc)

    handler = {"answers": _answers_text, "echoes": _echoes, "hangs up": hangs_up_on_tls}[plain]

    async def scenario() -> None:
        async with plain_server(handler) as port:
            failure = await client_failure(port, client_context(ClientMode.INSECURE))
            assert_kind(failure, ErrorKind.TLS_TO_PLAIN, Side.CLIENT)

    run(scenario())
    if plain == "hangs up":  # and the plain server named it too
        assert len(seen_by_server) == 1 and classify(seen_by_server[0]) is ErrorKind.TLS_TO_PLAIN


def test_a_plain_server_that_waits_for_text_times_the_handshake_out() -> None:
    async def waits(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # a line server waiting for a newline that a ClientHello may never hold

    async def scenario() -> None:
        async with plain_server(waits) as port:
            failure = await client_failure(port, client_context(ClientMode.INSECURE), timeout=0.2)
            assert_kind(failure, ErrorKind.TLS_HANDSHAKE_TIMED_OUT, Side.CLIENT)

    run(scenario())


def test_a_tls_server_times_out_a_client_that_never_starts_tls(made: TlsIdentity) -> None:
    async def scenario() -> None:
        async with TlsServer(server_context(made), handshake_timeout=0.2) as server:
            _, writer = await asyncio.open_connection(LOOPBACK, server.port)
            failure = await server.next_outcome()
            assert failure is not None
            assert_kind(failure, ErrorKind.TLS_HANDSHAKE_TIMED_OUT, Side.SERVER)
            await close_writer(writer)

    run(scenario())


def test_a_self_signed_certificate_is_named_and_the_server_sees_the_client_leave(made: TlsIdentity) -> None:
    async def scenario() -> None:
        async with TlsServer(server_context(made)) as server:
            failure = await client_failure(server.port, client_context(ClientMode.VERIFY))
            assert isinstance(failure, ssl.SSLCertVerificationError) and failure.verify_code == 18
            assert_kind(failure, ErrorKind.CERT_SELF_SIGNED, Side.CLIENT)
            left = await server.next_outcome()
            assert left is not None
            assert_kind(left, ErrorKind.TLS_CLIENT_HUNG_UP, Side.SERVER)

    run(scenario())


def test_a_certificate_from_an_unknown_authority_is_untrusted(ca: trustme.CA, tmp_path: Path) -> None:
    identity = identity_of_leaf(ca.issue_cert("localhost"), tmp_path)
    (tmp_path / "other").mkdir()
    stranger = client_context(ClientMode.VERIFY, cafile=cafile_of(trustme.CA(), tmp_path / "other"))

    async def scenario() -> None:
        async with TlsServer(server_context(identity)) as server:
            failure = await client_failure(server.port, stranger)
            assert isinstance(failure, ssl.SSLCertVerificationError) and failure.verify_code == 20
            assert_kind(failure, ErrorKind.CERT_UNTRUSTED, Side.CLIENT)
            assert "unable to get local issuer certificate" in EN.error(error_info(failure, LOOPBACK, 1))

    run(scenario())


@pytest.mark.parametrize(("name", "code"), [("mayus.test", 62), ("127.0.0.1", 64)])
def test_a_certificate_for_another_name_is_a_name_mismatch(
    ca: trustme.CA, tmp_path: Path, name: str, code: int
) -> None:
    identity = identity_of_leaf(ca.issue_cert("localhost"), tmp_path)
    context = client_context(ClientMode.VERIFY, cafile=cafile_of(ca, tmp_path))

    async def scenario() -> None:
        async with TlsServer(server_context(identity)) as server:
            failure = await client_failure(server.port, context, name)
            assert isinstance(failure, ssl.SSLCertVerificationError) and failure.verify_code == code
            assert_kind(failure, ErrorKind.CERT_NAME_MISMATCH, Side.CLIENT)

    run(scenario())


def test_an_expired_certificate_is_named(ca: trustme.CA, tmp_path: Path) -> None:
    past = datetime.now(timezone.utc) - timedelta(days=30)
    leaf = ca.issue_cert("localhost", not_before=past - timedelta(days=365), not_after=past)
    identity = identity_of_leaf(leaf, tmp_path)
    context = client_context(ClientMode.VERIFY, cafile=cafile_of(ca, tmp_path))

    async def scenario() -> None:
        async with TlsServer(server_context(identity)) as server:
            failure = await client_failure(server.port, context)
            assert isinstance(failure, ssl.SSLCertVerificationError) and failure.verify_code == 10
            assert_kind(failure, ErrorKind.CERT_EXPIRED, Side.CLIENT)

    run(scenario())


def test_an_expired_made_certificate_trusted_by_the_user_is_named_expired(tmp_path: Path) -> None:
    two_years_ago = datetime.now(timezone.utc) - 2 * VALIDITY
    old = ensure_certificate(tmp_path, hostname=HOST_NAME, now=two_years_ago)
    context = client_context(ClientMode.VERIFY, cafile=old.cert_file)

    async def scenario() -> None:
        async with TlsServer(server_context(old)) as server:
            failure = await client_failure(server.port, context)
            assert_kind(failure, ErrorKind.CERT_EXPIRED, Side.CLIENT)

    run(scenario())


def test_a_changed_fingerprint_is_named_with_the_new_one(made: TlsIdentity, tmp_path: Path) -> None:
    renewed = ensure_certificate(tmp_path / "renewed", hostname=HOST_NAME)
    context = client_context(ClientMode.PIN, made.fingerprint)  # pinned before the server's certificate changed

    async def scenario() -> None:
        async with TlsServer(server_context(renewed)) as server:
            _, writer = await open_tls(server.port, context, LOOPBACK)
            with pytest.raises(FingerprintChanged) as caught:
                check_peer(writer, context)
            assert caught.value.expected == made.fingerprint and caught.value.actual == renewed.fingerprint
            info = error_info(caught.value, LOOPBACK, server.port)
            assert info.kind is ErrorKind.FINGERPRINT_CHANGED and renewed.fingerprint in EN.error(info)
            await close_writer(writer)

    run(scenario())


# --- interop with openssl's own tools --------------------------------------------------------------


@requires_openssl
def test_our_pinning_client_talks_to_openssl_s_server(made: TlsIdentity) -> None:
    context = client_context(ClientMode.PIN, made.fingerprint)
    args = ["s_server", "-accept", f"{LOOPBACK}:0", "-cert", str(made.cert_file), "-key", str(made.key_file)]

    async def scenario() -> None:
        async with openssl([*args, "-rev", "-naccept", "1"]) as process:
            port = int((await read_line_starting(process, "ACCEPT")).rsplit(":", 1)[1])
            reader, writer = await open_tls(port, context, LOOPBACK)
            assert check_peer(writer, context) == made.fingerprint
            assert (await ask(reader, writer, b"hola mundo\n")).strip() == b"odnum aloh"  # -rev: reversed
            await close_writer(writer)

    run(scenario())


@requires_openssl
def test_our_verifying_client_talks_to_openssl_s_server(ca: trustme.CA, tmp_path: Path) -> None:
    identity = identity_of_leaf(ca.issue_cert("localhost"), tmp_path)
    context = client_context(ClientMode.VERIFY, cafile=cafile_of(ca, tmp_path))
    args = ["s_server", "-accept", f"{LOOPBACK}:0", "-cert", str(identity.cert_file), "-key", str(identity.key_file)]

    async def scenario() -> None:
        async with openssl([*args, "-rev", "-naccept", "1"]) as process:
            port = int((await read_line_starting(process, "ACCEPT")).rsplit(":", 1)[1])
            reader, writer = await open_tls(port, context, "localhost")
            assert (await ask(reader, writer, b"abc\n")).strip() == b"cba"
            await close_writer(writer)

    run(scenario())


@requires_openssl
def test_openssl_s_client_verifies_and_talks_to_our_server(made: TlsIdentity) -> None:
    args = ["s_client", "-connect", f"{LOOPBACK}:{{port}}", "-servername", "localhost", "-verify_hostname"]
    args += ["localhost", "-CAfile", str(made.cert_file), "-verify_return_error", "-ign_eof"]

    async def scenario() -> None:
        async with TlsServer(server_context(made), close_after_reply=True) as server:
            command = [arg.replace("{port}", str(server.port)) for arg in args]
            async with openssl(command) as process:
                output, _ = await asyncio.wait_for(process.communicate(b"hola desde openssl\n"), WAIT)
            assert await server.next_outcome() is None
            text = output.decode("utf-8", "replace")
            assert process.returncode == 0, text
            assert "Verify return code: 0 (ok)" in text
            assert "HOLA DESDE OPENSSL" in text

    run(scenario())


@requires_openssl
def test_a_client_that_refuses_our_certificate_is_named_by_the_server(
    made: TlsIdentity, ca: trustme.CA, tmp_path: Path
) -> None:
    # s_client trusting only an unrelated authority: it refuses the certificate with an alert the server reads.
    args = ["s_client", "-connect", f"{LOOPBACK}:{{port}}", "-servername", "localhost", "-verify_return_error"]
    args += ["-CAfile", str(cafile_of(ca, tmp_path))]

    async def scenario() -> None:
        async with TlsServer(server_context(made)) as server:
            command = [arg.replace("{port}", str(server.port)) for arg in args]
            async with openssl(command) as process:
                await asyncio.wait_for(process.communicate(b""), WAIT)
            assert process.returncode != 0
            failure = await server.next_outcome()
            assert failure is not None
            assert_kind(failure, ErrorKind.CERT_REFUSED_BY_PEER, Side.SERVER)

    run(scenario())


# --- classify, for what a live run cannot make happen on demand ------------------------------------


def test_a_verification_code_we_do_not_list_is_untrusted_with_its_message() -> None:
    exc = ssl.SSLCertVerificationError(1, "certificate verify failed")
    exc.verify_code = 26  # X509_V_ERR_INVALID_PURPOSE
    exc.verify_message = "unsupported certificate purpose"
    info = error_info(exc, "h", 1, handshake=Side.CLIENT)
    assert info.kind is ErrorKind.CERT_UNTRUSTED and "unsupported certificate purpose" in EN.error(info)


def test_resets_and_timeouts_outside_a_handshake_keep_their_usual_names() -> None:
    assert classify(ConnectionResetError()) is ErrorKind.CONNECTION_RESET
    assert classify(ConnectionResetError(104, "Connection reset by peer"), handshake=Side.CLIENT) is (
        ErrorKind.CONNECTION_RESET
    )
    assert classify(TimeoutError(), handshake=Side.CLIENT) is ErrorKind.TIMED_OUT


def test_other_tls_failures_keep_openssls_reason() -> None:
    exc = ssl.SSLError(1, "[SSL: NO_SHARED_CIPHER] no shared cipher (_ssl.c:1006)")
    exc.reason = "NO_SHARED_CIPHER"
    info = error_info(exc, "h", 1, handshake=Side.SERVER)
    assert info.kind is ErrorKind.TLS_FAILED and EN.error(info).endswith("no shared cipher")
