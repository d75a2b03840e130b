"""Audience passwords: hashed, compared in constant time, throttled, failing closed."""

from __future__ import annotations

import base64
import hmac

import pytest

from maillage.services import auth
from maillage.services.auth import (
    AuthConfigError,
    Throttle,
    check_audience_password,
    configured_hash,
    granted_audience,
    hash_password,
    hash_setting,
    protected,
    verify_password,
)

MEMBERS_PASSWORD = "coop-members-2026"
PRIVATE_PASSWORD = "board only, é and ü"


@pytest.fixture(scope="module")
def hashes() -> dict[str, str]:
    return {"members": hash_password(MEMBERS_PASSWORD), "private": hash_password(PRIVATE_PASSWORD)}


@pytest.fixture
def environ(hashes: dict[str, str]) -> dict[str, str]:
    return {
        "MAILLAGE_PASSWORD_HASH_MEMBERS": hashes["members"],
        "MAILLAGE_PASSWORD_HASH_PRIVATE": hashes["private"],
    }


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def throttle(waits: list[float]) -> Throttle:
    return Throttle(first=0.5, cap=4.0, sleep=waits.append)


def test_hash_has_the_documented_shape_and_no_password_in_it():
    stored = hash_password(MEMBERS_PASSWORD)
    name, n, r, p, salt, key = stored.split("$")
    assert (name, n, r, p) == ("scrypt", "32768", "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(key)) == 32
    assert MEMBERS_PASSWORD not in stored


def test_same_password_gets_a_new_salt_each_time():
    first, second = hash_password(MEMBERS_PASSWORD), hash_password(MEMBERS_PASSWORD)
    assert first != second
    assert verify_password(MEMBERS_PASSWORD, first)
    assert verify_password(MEMBERS_PASSWORD, second)


def test_short_password_is_refused():
    with pytest.raises(ValueError, match="at least 8"):
        hash_password("short")


def test_composed_and_decomposed_accents_are_the_same_password():
    stored = hash_password("Coopérative 2026")
    assert verify_password("Coope\u0301rative 2026", stored)


@pytest.mark.parametrize("audience", ["members", "private"])
def test_right_password_opens_its_audience(environ, throttle, waits, audience):
    password = MEMBERS_PASSWORD if audience == "members" else PRIVATE_PASSWORD
    assert check_audience_password(audience, password, environ=environ, throttle=throttle)
    assert waits == []


@pytest.mark.parametrize("password", ["", "wrong password", MEMBERS_PASSWORD.upper(), " "])
@pytest.mark.parametrize("audience", ["members", "private"])
def test_wrong_password_is_refused_after_a_wait(environ, throttle, waits, audience, password):
    assert not check_audience_password(audience, password, environ=environ, throttle=throttle)
    assert waits == [0.5]


def test_public_needs_no_password(throttle, waits):
    assert check_audience_password("public", "", environ={}, throttle=throttle)
    assert waits == []


def test_private_password_also_opens_members_but_not_the_reverse(environ, throttle):
    assert check_audience_password("members", PRIVATE_PASSWORD, environ=environ, throttle=throttle)
    assert not check_audience_password(
        "private", MEMBERS_PASSWORD, environ=environ, throttle=throttle
    )


@pytest.mark.parametrize("audience", ["members", "private"])
def test_audience_without_a_hash_stays_closed(throttle, audience):
    assert not protected(audience, environ={})
    assert not check_audience_password(audience, MEMBERS_PASSWORD, environ={}, throttle=throttle)
    assert not check_audience_password(audience, "", environ={}, throttle=throttle)


def test_members_open_with_private_password_when_only_private_is_set(hashes, throttle):
    environ = {"MAILLAGE_PASSWORD_HASH_PRIVATE": hashes["private"]}
    assert protected("members", environ=environ)
    assert check_audience_password("members", PRIVATE_PASSWORD, environ=environ, throttle=throttle)
    assert not check_audience_password(
        "members", MEMBERS_PASSWORD, environ=environ, throttle=throttle
    )


def test_secrets_mapping_is_read_before_the_environment(hashes, throttle):
    secrets = {"MAILLAGE_PASSWORD_HASH_MEMBERS": hashes["members"]}
    environ = {"MAILLAGE_PASSWORD_HASH_MEMBERS": hashes["private"]}
    assert check_audience_password(
        "members", MEMBERS_PASSWORD, secrets=secrets, environ=environ, throttle=throttle
    )
    assert not check_audience_password(
        "members", PRIVATE_PASSWORD, secrets=secrets, environ=environ, throttle=throttle
    )


def test_secrets_passwords_section_is_read(hashes, throttle):
    secrets = {"passwords": {"private": hashes["private"]}}
    assert configured_hash("private", secrets=secrets, environ={}) == hashes["private"]
    assert check_audience_password(
        "private", PRIVATE_PASSWORD, secrets=secrets, environ={}, throttle=throttle
    )


class NoSecretsFile(dict):
    """Like st.secrets when no secrets.toml exists: every look-up raises."""

    def get(self, key, default=None):
        raise FileNotFoundError("No secrets found. Valid paths for a secrets.toml file ...")

    def __getitem__(self, key):
        raise FileNotFoundError("No secrets found.")


def test_missing_streamlit_secrets_file_falls_back_to_the_environment(environ, throttle):
    assert check_audience_password(
        "members", MEMBERS_PASSWORD, secrets=NoSecretsFile(), environ=environ, throttle=throttle
    )


def test_process_environment_is_the_default(monkeypatch, hashes, throttle):
    monkeypatch.setenv("MAILLAGE_PASSWORD_HASH_MEMBERS", hashes["members"])
    monkeypatch.delenv("MAILLAGE_PASSWORD_HASH_PRIVATE", raising=False)
    assert check_audience_password("members", MEMBERS_PASSWORD, throttle=throttle)
    assert not check_audience_password("private", MEMBERS_PASSWORD, throttle=throttle)


def test_unknown_audience_is_an_error(throttle):
    with pytest.raises(ValueError, match="unknown audience"):
        check_audience_password("admin", "x", environ={}, throttle=throttle)


@pytest.mark.parametrize(
    "stored",
    [
        "plain-text-password",
        "scrypt$16384$8$1$c2FsdA==",
        "bcrypt$16384$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5",
        "scrypt$abc$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5",
        "scrypt$16384$8$1$not base64!$a2V5a2V5a2V5a2V5a2V5",
        "scrypt$1000$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5",  # n not a power of two
        "scrypt$1048576$1024$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5",  # 128 GiB of memory
        "scrypt$16384$8$0$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5",
        "scrypt$16384$8$1$c2FsdA==$a2V5a2V5a2V5a2V5a2V5",  # salt too short
    ],
)
def test_malformed_hash_is_a_configuration_error_naming_the_setting(stored, throttle):
    environ = {"MAILLAGE_PASSWORD_HASH_MEMBERS": stored}
    with pytest.raises(AuthConfigError, match="MAILLAGE_PASSWORD_HASH_MEMBERS"):
        check_audience_password("members", "anything at all", environ=environ, throttle=throttle)


def test_failures_back_off_exponentially_up_to_a_cap_and_reset_on_success(environ, throttle, waits):
    for _ in range(6):
        check_audience_password("members", "guess", environ=environ, throttle=throttle)
    assert waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert throttle.failures == 6
    assert check_audience_password("members", MEMBERS_PASSWORD, environ=environ, throttle=throttle)
    assert throttle.failures == 0
    check_audience_password("members", "guess", environ=environ, throttle=throttle)
    assert waits[-1] == 0.5


def test_delay_stays_bounded_after_very_many_failures():
    throttle = Throttle(first=0.5, cap=8.0, sleep=lambda _: None)
    assert throttle.delay(10**9) == 8.0
    assert throttle.delay(0) == 0.0


def test_default_throttle_is_shared_by_the_process(monkeypatch, environ):
    waits: list[float] = []
    monkeypatch.setattr(auth.THROTTLE, "sleep", waits.append)
    monkeypatch.setattr(auth.THROTTLE, "failures", 0)
    check_audience_password("members", "guess 1", environ=environ)
    check_audience_password("private", "guess 2", environ=environ)
    assert waits == [auth.FIRST_DELAY, 2 * auth.FIRST_DELAY]
    auth.THROTTLE.succeeded()


def test_comparison_is_constant_time(monkeypatch, environ, throttle):
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert not check_audience_password("members", "guess", environ=environ, throttle=throttle)
    # Both the members and the private hash were compared: no early exit on the first.
    assert len(compared) == 2


def test_granted_audience_is_the_highest_the_password_opens(environ, throttle, waits):
    assert granted_audience(PRIVATE_PASSWORD, environ=environ, throttle=throttle) == "private"
    assert granted_audience(MEMBERS_PASSWORD, environ=environ, throttle=throttle) == "members"
    assert waits == []
    assert granted_audience("guess", environ=environ, throttle=throttle) == "public"
    assert waits == [0.5]


def test_hash_setting_is_a_paste_ready_line(throttle):
    line = hash_setting("private", PRIVATE_PASSWORD)
    name, _, quoted = line.partition("=")
    assert name == "MAILLAGE_PASSWORD_HASH_PRIVATE"
    assert quoted.startswith("'scrypt$") and quoted.endswith("'")
    environ = {name: quoted.strip("'")}
    assert check_audience_password("private", PRIVATE_PASSWORD, environ=environ, throttle=throttle)
    with pytest.raises(ValueError):
        hash_setting("public", PRIVATE_PASSWORD)


def test_module_does_not_import_streamlit():
    import ast
    import pathlib

    tree = ast.parse(pathlib.Path(auth.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "streamlit" not in imported
