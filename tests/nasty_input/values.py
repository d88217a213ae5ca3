"""The nasty-input set: what the walks put into every id, field, query parameter and body."""

from __future__ import annotations

BIG = 2 * 1024 * 1024  # "2 MB": a value, a field or a whole body of this size

# Ids in an address: beyond PostgreSQL's INTEGER and BIGINT, negative, zero.
NASTY_IDS = ["100000000000000000000", "9223372036854775808", "2147483648", "0", "-1", "1e3"]

# Text for a string in the address (an e-mail, a code, a slug), percent-encoded as sent.
NASTY_PATH_TEXT = ["%00", "%1b%5b31m", "%e2%80%aeevil", "%ff%fe", "x" * 3000, "..%2f..%2fetc"]

# JSON values as raw tokens, so NaN and Infinity arrive as JavaScript writes them.
NASTY_JSON = [
    "NaN",
    "-Infinity",
    "1e400",
    "100000000000000000000",
    "-1",
    "1.5",
    "true",
    "null",
    "[]",
    "{}",
    '"\\u0000"',
    '"a\\u001b[31mb"',
    '"\\u202eevil"',
    '"\\ud800"',
    '"' + "x" * 200_000 + '"',
    "[" * 100 + "]" * 100,
    '["x","x"' + ',"x"' * 10_000 + "]",
]
# The few kept for the second role (the first meets every value): the ones most likely to
# take another path through the code.
NASTY_JSON_SHORT = ["NaN", "1e400", "100000000000000000000", '"\\u0000"', '"\\ud800"', "[]"]

# Whole bodies: deep nesting, too large, not UTF-8, not JSON at all.
NASTY_BODIES = [
    ("100,000 levels of arrays", b"[" * 100_000 + b"]" * 100_000),
    ("100,000 levels of objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    ("a 2 MB body", b'{"x": "' + b"x" * BIG + b'"}'),
    ("invalid UTF-8", b'{"name": "\xff\xfe\xc3"}'),
    ("a NUL byte", b'{"name": "a\x00b"}'),
    ("a bare NaN", b"NaN"),
    ("a list", b"[1, 2]"),
    ("a truncated object", b'{"name": '),
    ("nothing", b""),
]

# Form and query values (text, as a browser sends it).
NASTY_TEXT = [
    "100000000000000000000",
    "1e400",
    "-1",
    "nan",
    "inf",
    "1.5",
    "a\x1b[31mb",
    "\x7f\x08\x0b",
    "\u202eevil",
    "x" * 5000,
    "99999-01-01T00:00",
]
NASTY_TEXT_SHORT = ["100000000000000000000", "1e400", "nan", "\u202eevil", "x" * 5000]
