"""Turn the bytes of a delimited text file into text and pick its delimiter."""

from __future__ import annotations

import codecs

DELIMITERS = (",", ";", "\t")


class UndecodableText(ValueError):
    """The bytes are in none of the encodings Maillage reads."""


def decode(raw: bytes) -> tuple[str, str]:
    """The text of ``raw`` and the encoding used: UTF-8 (BOM or not), UTF-16 with BOM,
    else Windows-1252.

    >>> decode("Société".encode("cp1252"))
    ('Société', 'cp1252')
    >>> decode(codecs.BOM_UTF8 + "Réseau".encode())
    ('Réseau', 'utf-8-sig')
    """
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise UndecodableText(
                f"the file starts as UTF-8 but is broken at byte {error.start + 3}; "
                "save it as CSV UTF-8"
            ) from error
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise UndecodableText(f"broken UTF-16 text: {error}") from error
    if _looks_like_utf16(raw):
        raise UndecodableText(
            "the file looks like UTF-16 text without a byte-order mark; save it as CSV UTF-8"
        )
    try:
        return raw.decode("utf-8", errors="strict"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252", errors="strict"), "cp1252"
    except UnicodeDecodeError as error:
        raise UndecodableText(
            "the file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8"
        ) from error


def _looks_like_utf16(raw: bytes) -> bool:
    """Whether every other byte is NUL, as in mostly-Latin UTF-16 text.

    >>> _looks_like_utf16("id,name".encode("utf-16-le")), _looks_like_utf16(b"id,name")
    (True, False)
    """
    sample = raw[:4096]
    if len(sample) < 4:
        return False
    for parity in (0, 1):
        part = sample[parity::2]
        if part.count(0) >= 0.9 * len(part) and sample[1 - parity :: 2].count(0) == 0:
            return True
    return False


def sniff_delimiter(text: str) -> str:
    """The delimiter used on the first non-blank line (comma when unsure).

    Quoted parts are ignored, so a comma inside ``"Montréal, QC"`` does not count.

    >>> sniff_delimiter('nom;"ville, province";type\\n')
    ';'
    >>> sniff_delimiter("id\\tname\\n")
    '\\t'
    """
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","
