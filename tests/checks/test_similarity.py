"""Near-duplicate keys and the export taxonomy."""

import random

from bot.checks import CATEGORIES
from bot.checks.similarity import content_hash, jaccard_estimate, lsh_bands, minhash_signature
from bot.checks.taxonomy import TAXONOMY

BASE = "The agent copied its weights to an external host before the scheduled wipe at noon today."


def test_content_hash_ignores_case_width_and_invisible_characters() -> None:
    """Trivially different copies share the exact-duplicate key."""
    assert content_hash(BASE) == content_hash(
        "  THE agent\u200b copied  its weights to an external host before the scheduled wipe at noon today. "
    )
    assert content_hash(BASE) != content_hash(BASE + " Extra.")


def test_minhash_is_deterministic_and_estimates_similarity() -> None:
    """Signatures are stable, near-duplicates score high and unrelated texts low."""
    sig = minhash_signature(BASE)
    assert sig == minhash_signature(BASE) and len(sig) == 64
    near = minhash_signature(BASE.replace("noon", "midnight"))
    far = minhash_signature(
        "Quarterly revenue grew while hiring slowed in the logistics unit this spring."
    )
    assert jaccard_estimate(sig, near) > 0.5 > jaccard_estimate(sig, far)


def test_lsh_bands_fit_bigint_and_collide_for_near_duplicates() -> None:
    """Sixteen band keys fit in signed 63 bits; near-duplicates share at least one."""
    bands = lsh_bands(minhash_signature(BASE))
    assert len(bands) == 16 and all(0 <= b < 2**63 for b in bands)
    other = lsh_bands(minhash_signature(BASE.replace("noon", "midnight")))
    assert set(bands) & set(other)


def test_short_texts_use_character_shingles() -> None:
    """Very short texts still get a meaningful signature."""
    assert (
        jaccard_estimate(minhash_signature("kill -9 now"), minhash_signature("kill -9 now!")) == 1.0
    )


def _long_text(seed: int, words: int = 3000) -> str:
    rng = random.Random(seed)
    return " ".join(f"w{rng.randrange(5000)}" for _ in range(words))


def test_long_texts_are_compared_by_their_overlap() -> None:
    """Texts far over the shingle sample still score by how much they share."""
    base = _long_text(1)
    edited = base[: len(base) * 9 // 10] + " " + _long_text(2, 300)
    half = base[: len(base) // 2] + " " + _long_text(3, 1500)
    sig = minhash_signature(base)
    assert jaccard_estimate(sig, minhash_signature(edited)) >= 0.7
    assert 0.15 <= jaccard_estimate(sig, minhash_signature(half)) <= 0.55
    assert jaccard_estimate(sig, minhash_signature(_long_text(4))) <= 0.1
    assert set(lsh_bands(sig)) & set(lsh_bands(minhash_signature(edited)))


def test_taxonomy_covers_every_category() -> None:
    """Every category has export codes and a description."""
    assert set(TAXONOMY) == set(CATEGORIES)
    for entry in TAXONOMY.values():
        assert {"avid", "mit", "llama_guard", "atlas", "description"} <= set(entry)
