"""The synthetic directory behind the benchmarks is a valid, reproducible directory."""

from __future__ import annotations

import sys
from pathlib import Path

from builder.validate import validate_directory
from conftest import TODAY

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synth import generate  # noqa: E402


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_generated_directory_validates_without_errors(tmp_path: Path):
    generate(tmp_path / "records", 300, seed=3)
    result = validate_directory(tmp_path / "records", TODAY)
    assert len(result.valid) >= 300
    assert result.errors == []


def test_same_seed_gives_the_same_files(tmp_path: Path):
    generate(tmp_path / "first", 120, seed=3)
    generate(tmp_path / "second", 120, seed=3)
    assert tree_bytes(tmp_path / "first") == tree_bytes(tmp_path / "second")


def test_small_profiles_validate_and_stay_small(tmp_path: Path):
    generate(tmp_path / "records", 300, seed=3, shape="small")
    result = validate_directory(tmp_path / "records", TODAY)
    assert result.errors == []
    sizes = [path.stat().st_size for path in (tmp_path / "records" / "institutions").glob("*/*.yaml")]
    assert len(sizes) == 300
    assert 800 <= min(sizes) and max(sizes) <= 2048
    assert 1000 <= sum(sizes) / len(sizes) <= 1500
