"""Near-duplicate keys: an exact content hash and MinHash/LSH signatures.

Deterministic across processes (no Python ``hash()``): shingles are hashed with blake2b and
permuted with fixed (a, b) pairs modulo the Mersenne prime 2**61 - 1, so every value fits a
signed 64-bit BIGINT column. Long texts are signed over a consistent sample of their
shingles (the same shingle is always in or out), so a 1 MB text costs what ~1.5 KB costs.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
_PRIME = (1 << 61) - 1
_MAX63 = (1 << 63) - 1
SAMPLE = 256  # shingles a signature is computed over, at most
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_WS = re.compile(r"\s+")


def _seeded(index: int, salt: bytes) -> int:
    digest = hashlib.blake2b(index.to_bytes(4, "big"), digest_size=8, key=salt).digest()
    return int.from_bytes(digest, "big") % _PRIME


_PERMS: tuple[tuple[int, int], ...] = tuple(
    (_seeded(i, b"minhash-a") | 1, _seeded(i, b"minhash-b")) for i in range(NUM_PERM)
)
_SAMPLE_A = _seeded(0, b"minhash-sample") | 1


def normalise_for_hash(text: str) -> str:
    """NFKC, zero-width/bidi removed, case-folded, whitespace collapsed and stripped."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _WS.sub(" ", text.casefold()).strip()


def content_hash(text: str) -> str:
    """sha256 hex of the normalised text: the exact-duplicate key."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def _shingles(text: str) -> set[str]:
    """Word 3-shingles, or character 5-shingles for texts under 8 words."""
    words = re.findall(r"\w+", normalise_for_hash(text))
    if len(words) >= 8:
        return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
    compact = " ".join(words)
    if len(compact) <= 5:
        return {compact}
    return {compact[i : i + 5] for i in range(len(compact) - 4)}


def _hash64(shingle: str) -> int:
    digest = hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % _PRIME


def minhash_signature(text: str) -> list[int]:
    """64 MinHash values over the text's shingles (each < 2**61)."""
    hashes = _sample({_hash64(s) for s in _shingles(text)})
    return [min((a * h + b) % _PRIME for h in hashes) for a, b in _PERMS]


def _sample(hashes: set[int]) -> list[int] | set[int]:
    """At most ``SAMPLE`` shingle hashes: those smallest under an independent permutation.

    Two near-duplicate texts keep nearly the same sample, so their signatures still agree
    in proportion to their overlap, at a fraction of the cost of all 64 permutations of
    every shingle.
    """
    if len(hashes) <= SAMPLE:
        return hashes
    return heapq.nsmallest(SAMPLE, hashes, key=lambda h: (_SAMPLE_A * h) % _PRIME)


def lsh_bands(signature: list[int]) -> list[int]:
    """16 band keys (4 rows each), each a non-negative int below 2**63."""
    out = []
    for band in range(BANDS):
        rows = signature[band * ROWS : (band + 1) * ROWS]
        payload = band.to_bytes(2, "big") + b"".join(r.to_bytes(8, "big") for r in rows)
        digest = hashlib.blake2b(payload, digest_size=8).digest()
        out.append(int.from_bytes(digest, "big") & _MAX63)
    return out


def jaccard_estimate(sig_a: list[int], sig_b: list[int]) -> float:
    """Share of equal positions between two signatures of the same length."""
    if not sig_a or len(sig_a) != len(sig_b):
        return 0.0
    return sum(1 for a, b in zip(sig_a, sig_b, strict=True) if a == b) / len(sig_a)
