"""Private key blocks are found and masked whole: BEGIN line to END line, every line between."""

from __future__ import annotations

import base64
import json
import random

import pytest

from bot.checks import CheckEngine
from bot.masking.redaction import Redactor

OPENSSH_MAGIC = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABlwAAAAdzc2gtcn"


def body(seed: int, lines: int = 25, width: int = 64, head: str = "") -> list[str]:
    """Base64 lines of random key material (seeded), the last one shorter."""
    raw = random.Random(seed).randbytes(lines * width * 3 // 4)
    encoded = head + base64.b64encode(raw).decode()
    out = [encoded[i : i + width] for i in range(0, lines * width, width)]
    out[-1] = out[-1][:40] + "=="
    return out


def block(label: str, seed: int = 1, *, headers: tuple[str, ...] = (), head: str = "") -> str:
    """A whole armoured private key: BEGIN line, optional headers, body, END line."""
    lines = [f"-----BEGIN {label}-----", *headers]
    if headers:
        lines.append("")
    lines += body(seed, head=head)
    lines.append(f"-----END {label}-----")
    return "\n".join(lines)


BLOCKS = {
    "rsa": block("RSA PRIVATE KEY", 1, head="MIIEowIBAAKCAQEA"),
    "ec": block("EC PRIVATE KEY", 2, head="MHcCAQEEI"),
    "dsa": block("DSA PRIVATE KEY", 3, head="MIIBuwIBAAKBgQ"),
    "pkcs8": block("PRIVATE KEY", 4, head="MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
    "pkcs8-encrypted": block("ENCRYPTED PRIVATE KEY", 5, head="MIIFHDBOBgkqhkiG9w0BBQ0w"),
    "pem-encrypted": block(
        "RSA PRIVATE KEY",
        6,
        headers=(
            "Proc-Type: 4,ENCRYPTED",
            "DEK-Info: AES-128-CBC,3F17F5316E2BAC89A1F4C2D9E0B6A7C5",
        ),
    ),
    "openssh": block("OPENSSH PRIVATE KEY", 7, head=OPENSSH_MAGIC),
    "pgp": block(
        "PGP PRIVATE KEY BLOCK", 8, headers=("Version: GnuPG v2", "Comment: exported for backup")
    ),
}


def sensitive(engine: CheckEngine, text: str) -> list[tuple[int, int]]:
    """The spans the checks would mask in ``text``."""
    return engine.run(text).secret_spans()


@pytest.mark.parametrize("kind", sorted(BLOCKS))
def test_a_whole_key_block_is_one_secret_span(engine: CheckEngine, kind: str) -> None:
    """From the BEGIN line through the END line, every kind of private key is one secret."""
    key = BLOCKS[kind]
    text = f"Sure, here is the deploy key:\n{key}\nKeep it safe."
    result = engine.run(text)
    assert "secrets" in result.categories
    start = text.index("-----BEGIN")
    assert (start, start + len(key)) in result.secret_spans()


@pytest.mark.parametrize("kind", sorted(BLOCKS))
def test_masked_block_shows_no_key_material(engine: CheckEngine, kind: str) -> None:
    """A masked key keeps its BEGIN and END lines and none of its body."""
    key = BLOCKS[kind]
    masked = Redactor(engine).text(f"here:\n{key}\nthanks")
    label = key.splitlines()[0].removeprefix("-----BEGIN ").removesuffix("-----")
    assert masked == (
        f"here:\n-----BEGIN {label}----- [private key masked] -----END {label}-----\nthanks"
    )


def test_a_cut_off_key_is_masked_to_the_end_of_its_body(engine: CheckEngine) -> None:
    """Without its END line a key runs to its last base64 line, and the prose after stays."""
    key = BLOCKS["rsa"].rsplit("\n", 1)[0]
    text = f"{key}\nThat is all of it, the paste was cut."
    spans = sensitive(engine, text)
    assert spans == [(0, len(key))]


def test_a_key_on_one_line_is_masked_whole(engine: CheckEngine) -> None:
    """A block whose line breaks became spaces is still one span up to its END line."""
    key = BLOCKS["openssh"].replace("\n", " ")
    text = f"key: {key} done"
    assert sensitive(engine, text) == [(5, 5 + len(key))]


def test_a_key_inside_a_json_string_is_masked_whole(engine: CheckEngine) -> None:
    """Escaped line breaks (``\\n`` in a JSON transcript) do not end the block."""
    key = BLOCKS["pkcs8"]
    text = json.dumps([{"role": "assistant", "content": f"Here it is:\n{key}\nDone."}])
    masked = Redactor(engine).text(text)
    assert "[private key masked]" in masked
    assert not any(line in masked for line in key.splitlines()[1:-1])


@pytest.mark.parametrize(
    "text",
    [
        "-----BEGIN PUBLIC KEY-----\n" + "\n".join(body(9)) + "\n-----END PUBLIC KEY-----",
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END",
        "Paste the block that starts with -----BEGIN PRIVATE KEY----- into the vault.",
    ],
)
def test_public_keys_and_placeholders_are_not_secrets(engine: CheckEngine, text: str) -> None:
    """A public key, an elided or templated body and a mention of the header are benign."""
    assert "secrets" not in engine.run(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "-----BEGIN RSA PRIVATE KEY-----\n" * 32_000,
        ("-----BEGIN RSA PRIVATE KEY-----\n" + body(10, lines=1)[0] + "\n") * 10_000,
        "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(body(11, lines=15_000)),
        "-----BEGIN PRIVATE KEY-----\n" + ("A" * 500 + "\n") * 2_000 + "-----END PRIVATE KEY",
    ],
    ids=["begin-lines", "begin-and-one-line", "endless-body", "no-proper-end"],
)
def test_adversarial_key_blocks_stay_linear(engine: CheckEngine, text: str) -> None:
    """A megabyte of BEGIN lines or of body without an END line is scanned once (a quadratic
    scan of these would not finish)."""
    spans = Redactor(engine).spans(text)
    assert all(0 <= a < b <= len(text) for a, b in spans)
