"""The npm libraries the site ships: copied from node_modules exactly as the lock file pins them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builder.site.vendor import SHIPPED, VENDOR_PREFIX, VendorMissing, vendor_files
from conftest import REPO


def test_every_shipped_library_is_copied_with_its_licence() -> None:
    files = vendor_files(REPO)
    for package in SHIPPED:
        licence = f"{VENDOR_PREFIX}{package}/LICENSE"
        manifest = f"{VENDOR_PREFIX}{package}/package.json"
        assert licence in files or json.loads(files[manifest])["license"], package
    assert files[f"{VENDOR_PREFIX}yaml/browser/dist/index.js"] == \
        (REPO / "node_modules/yaml/browser/dist/index.js").read_bytes()


def _project(tmp_path: Path, installed_version: str | None) -> Path:
    shutil.copy(REPO / "package-lock.json", tmp_path / "package-lock.json")
    if installed_version is not None:
        shutil.copytree(REPO / "node_modules" / "yaml", tmp_path / "node_modules" / "yaml")
        manifest = tmp_path / "node_modules" / "yaml" / "package.json"
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data["version"] = installed_version
        manifest.write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def test_a_missing_library_is_refused_with_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(VendorMissing, match=r"`yaml` .*it is not installed; run `make` \(or `npm ci`\)"):
        vendor_files(_project(tmp_path, None))


def test_another_version_than_the_lock_file_pins_is_refused(tmp_path: Path) -> None:
    with pytest.raises(VendorMissing, match=r"version 0\.0\.1 is installed"):
        vendor_files(_project(tmp_path, "0.0.1"))
