"""Where generated projects are cached, and the random spans they carry.

The cache folder bench/.cache/<key>/ is keyed by CACHE_VERSION, the schema version
and a digest of the seed files and the default codebook: a changed key simply
builds new files. Cached files are never opened by the bench itself; every row
works on its own copy.
"""

from __future__ import annotations

import hashlib
import random
from importlib import resources
from pathlib import Path

from . import CACHE_VERSION

CACHE_ROOT = Path(__file__).resolve().parent / ".cache"


def cache_key() -> str:
    from annotator.core.store.schema import SCHEMA_VERSION

    from annotator.core.store import schema

    digest = hashlib.sha256()
    # The schema's own source: a migration changed before its version shipped makes new archives too.
    digest.update(Path(schema.__file__).read_bytes())
    # The codebook decides the fixtures' label ids; the seeds decide their texts.
    digest.update(resources.files("annotator.resources").joinpath("codebook.json").read_bytes())
    for entry in sorted(resources.files("annotator.seeds").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".txt"):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return f"{CACHE_VERSION}-schema{SCHEMA_VERSION}-{digest.hexdigest()[:12]}"


def random_span(rng: random.Random, words: list[tuple[int, int]]) -> tuple[int, int, str]:
    """A word-aligned span and the layer it suits: short entities, longer claims and stances."""
    roll = rng.random()
    if roll < 0.70:
        layer, length = "entity", rng.randint(1, 3)
    elif roll < 0.90:
        layer, length = "claim", rng.randint(6, 40)
    else:
        layer, length = "stance", rng.randint(3, 15)
    first = rng.randrange(len(words))
    last = min(len(words) - 1, first + length - 1)
    return words[first][0], words[last][1], layer
