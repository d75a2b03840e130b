"""Who may read above ``public``: operator-set passwords, stored only as salted scrypt hashes.

The operator runs ``maillage hash-password members`` (or ``private``), then puts the printed
line in the environment of the app (``MAILLAGE_PASSWORD_HASH_MEMBERS``,
``MAILLAGE_PASSWORD_HASH_PRIVATE``) or the same keys in Streamlit secrets. The app asks for a
password and calls :func:`check_audience_password`.

Rules:

- ``public`` needs no password.
- An audience with no hash configured cannot be unlocked by its own password (fail closed).
- A password grants its audience and every audience below it: the ``private`` password also
  opens ``members`` (private already sees everything members see, so nothing widens), but
  the ``members`` password never opens ``private``.
- Hashes are compared with :func:`hmac.compare_digest`; every failed check waits (per
  process, doubling from :data:`FIRST_DELAY` up to :data:`MAX_DELAY` seconds) before it
  answers, and a success resets the wait.

This module must not import streamlit: the app passes ``st.secrets`` in as a mapping.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets as random_source
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, Final

from maillage.ground.vocabulary import AUDIENCES

#: Where each protected audience's hash is read from (environment or secrets key).
HASH_SETTINGS: Final = {
    "members": "MAILLAGE_PASSWORD_HASH_MEMBERS",
    "private": "MAILLAGE_PASSWORD_HASH_PRIVATE",
}

#: scrypt cost: n=2**15, r=8 uses 32 MiB and about 0.1 s per check on a laptop.
SCRYPT_N: Final = 2**15
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
_SALT_BYTES: Final = 16
_KEY_BYTES: Final = 32
#: Bounds on parameters read from a stored hash, so a bad setting cannot exhaust memory
#: (scrypt needs about 128 * n * r bytes) or time.
_MAX_MEMORY: Final = 256 * 1024 * 1024
_MAX_P: Final = 16
MIN_PASSWORD_LENGTH: Final = 8

FIRST_DELAY: Final = 0.5
MAX_DELAY: Final = 8.0


class AuthConfigError(ValueError):
    """A stored password hash is malformed; the message names the setting to fix."""


class Throttle:
    """Slows password guessing: each failure waits twice as long as the one before, capped.

    The count is shared by every caller in the process (all sessions of one app server);
    a success resets it. ``sleep`` is injectable so tests do not wait.

    >>> waits = []
    >>> throttle = Throttle(first=1.0, cap=3.0, sleep=waits.append)
    >>> [throttle.failed() for _ in range(4)]
    [1.0, 2.0, 3.0, 3.0]
    >>> throttle.succeeded(); throttle.failures
    0
    """

    def __init__(
        self,
        *,
        first: float = FIRST_DELAY,
        cap: float = MAX_DELAY,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        self.first, self.cap, self.sleep = first, cap, sleep
        self.failures = 0
        self._lock = threading.Lock()

    def delay(self, failures: int) -> float:
        """How long the ``failures``-th failure in a row waits."""
        if failures <= 0:
            return 0.0
        # The exponent is bounded so the arithmetic stays small however many failures.
        return float(min(self.cap, self.first * 2 ** min(failures - 1, 32)))

    def failed(self) -> float:
        """Count a failure and wait; returns the wait in seconds."""
        with self._lock:
            self.failures += 1
            wait = self.delay(self.failures)
        # Waiting outside the lock: other sessions are not blocked by this one's wait.
        self.sleep(wait)
        return wait

    def succeeded(self) -> None:
        """Reset the count after a correct password."""
        with self._lock:
            self.failures = 0


#: The process-wide throttle used when a call does not pass its own.
THROTTLE: Final = Throttle()


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``: ``scrypt$n$r$p$salt_b64$hash_b64``.

    >>> stored = hash_password("correct horse battery")
    >>> stored.startswith("scrypt$32768$8$1$"), verify_password("correct horse battery", stored)
    (True, True)
    >>> hash_password("correct horse battery") == stored  # a new salt every time
    False
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    salt = random_source.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, _KEY_BYTES)
    return "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(key)))


def verify_password(password: str, stored: str, *, setting: str = "the password hash") -> bool:
    """Whether ``password`` matches the ``stored`` hash (compared in constant time).

    Raises :class:`AuthConfigError` naming ``setting`` when ``stored`` is malformed.
    """
    n, r, p, salt, expected = _parse(stored, setting)
    key = _scrypt(password, salt, n, r, p, len(expected))
    return hmac.compare_digest(key, expected)


def configured_hash(
    audience: str,
    *,
    secrets: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The stored hash for ``audience``: from ``secrets`` first, else the environment.

    ``secrets`` may hold the key at top level (``MAILLAGE_PASSWORD_HASH_MEMBERS = "..."``)
    or in a ``[passwords]`` section keyed by audience (``members = "..."``).

    >>> configured_hash("members", secrets={"passwords": {"members": "scrypt$..."}}, environ={})
    'scrypt$...'
    >>> configured_hash("private", secrets={}, environ={}) is None
    True
    """
    setting = HASH_SETTINGS.get(audience)
    if setting is None:
        return None
    environ = os.environ if environ is None else environ
    candidates: list[Any] = []
    if secrets is not None:
        candidates.append(_get(secrets, setting))
        section = _get(secrets, "passwords")
        if isinstance(section, Mapping):
            candidates.append(_get(section, audience))
    candidates.append(environ.get(setting))
    for value in candidates:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def protected(
    audience: str,
    *,
    secrets: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Whether ``audience`` can be unlocked at all (it or an audience above it has a hash)."""
    return audience == "public" or any(
        configured_hash(level, secrets=secrets, environ=environ) is not None
        for level in _unlockers(audience)
    )


def check_audience_password(
    audience: str,
    password: str,
    *,
    secrets: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    throttle: Throttle | None = None,
) -> bool:
    """Whether ``password`` opens ``audience``; a wrong one waits before answering False.

    ``public`` is always open. ``members`` opens with the members or the private password,
    ``private`` only with the private password. An audience with no hash configured stays
    closed. Raises :class:`AuthConfigError` when a configured hash is malformed, and
    :class:`ValueError` for an unknown audience.

    >>> stored = hash_password("members only please")
    >>> settings = {"MAILLAGE_PASSWORD_HASH_MEMBERS": stored}
    >>> check_audience_password("members", "members only please", secrets=settings, environ={})
    True
    >>> check_audience_password("public", "", secrets=settings, environ={})
    True
    """
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCES)}")
    if audience == "public":
        return True
    throttle = THROTTLE if throttle is None else throttle
    stored = [
        (HASH_SETTINGS[level], found)
        for level in _unlockers(audience)
        if (found := configured_hash(level, secrets=secrets, environ=environ)) is not None
    ]
    # Every configured hash is checked (no early exit), so timing says nothing about which.
    matches = [verify_password(password, value, setting=name) for name, value in stored]
    if any(matches):
        throttle.succeeded()
        return True
    throttle.failed()
    return False


def granted_audience(
    password: str,
    *,
    secrets: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    throttle: Throttle | None = None,
) -> str:
    """The highest audience ``password`` opens (``public`` when it opens none).

    For a login box with no audience chooser. A wrong password waits like
    :func:`check_audience_password`.
    """
    throttle = THROTTLE if throttle is None else throttle
    granted = "public"
    for level in ("members", "private"):
        stored = configured_hash(level, secrets=secrets, environ=environ)
        if stored is not None and verify_password(password, stored, setting=HASH_SETTINGS[level]):
            granted = level
    if granted == "public":
        throttle.failed()
    else:
        throttle.succeeded()
    return granted


def hash_setting(audience: str, password: str) -> str:
    """A line to paste into a shell or ``.env`` file: ``NAME='scrypt$...'``.

    The same name and value go in ``.streamlit/secrets.toml`` as ``NAME = "scrypt$..."``.
    """
    setting = HASH_SETTINGS.get(audience)
    if setting is None:
        raise ValueError(f"only {' and '.join(HASH_SETTINGS)} take a password, not {audience!r}")
    return f"{setting}='{hash_password(password)}'"


def _unlockers(audience: str) -> tuple[str, ...]:
    """The protected audiences whose password opens ``audience`` (it and those above)."""
    at = AUDIENCES.index(audience)
    return tuple(level for level in AUDIENCES[at:] if level in HASH_SETTINGS)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # NFC: the same password typed on two keyboards may arrive composed or decomposed.
    secret = unicodedata.normalize("NFC", password).encode("utf-8")
    return hashlib.scrypt(
        secret, salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * n * r + 1024 * 1024
    )


def _parse(stored: str, setting: str) -> tuple[int, int, int, bytes, bytes]:
    parts = stored.strip().split("$")
    problem = (
        f"{setting} is not a Maillage password hash (scrypt$n$r$p$salt$hash); "
        "make a new one with: maillage hash-password"
    )
    if len(parts) != 6 or parts[0] != "scrypt":
        raise AuthConfigError(problem)
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error) as error:
        raise AuthConfigError(problem) from error
    if not (
        n > 1 and n & (n - 1) == 0 and r > 0 and 0 < p <= _MAX_P and 128 * n * r <= _MAX_MEMORY
    ):
        raise AuthConfigError(f"{setting}: scrypt parameters n={n}, r={r}, p={p} out of range")
    if len(salt) < 8 or len(key) < 16:
        raise AuthConfigError(f"{setting}: salt or hash too short")
    return n, r, p, salt, key


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _get(mapping: Mapping[str, Any], key: str) -> Any:
    # st.secrets is a Mapping whose .get raises FileNotFoundError (StreamlitSecretNotFound)
    # when there is no secrets.toml at all: that means "not set here", so the environment
    # is read next.
    try:
        return mapping.get(key)
    except (KeyError, AttributeError, OSError):
        return None
