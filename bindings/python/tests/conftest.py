"""Shared helpers: where the repository's test vectors are."""

import pathlib

REPO = pathlib.Path(__file__).resolve().parents[3]
VECTORS = REPO / "tests" / "vectors"
