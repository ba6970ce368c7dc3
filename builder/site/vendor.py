"""Packages from npm that the build uses: JavaScript libraries the site ships, copied from
`node_modules/` into the built site, and data the build reads (the map's country shapes).

The site loads nothing from another host: each library named here is installed by the set-up
(`npm ci`, pinned by `package-lock.json`) and copied, with its licence, under `assets/vendor/<name>/`.
The build refuses to go on when a package is missing or is not the version the lock file pins, so
a site is never published with a library or data other than the ones the project tested.
"""

from __future__ import annotations

import json
from pathlib import Path

VENDOR_PREFIX = "assets/vendor/"
# Per package: the files and folders of it the pages use, relative to the package's folder.
# A package without a LICENSE file ships its package.json, which names its licence and author.
SHIPPED: dict[str, tuple[str, ...]] = {
    "yaml": ("browser/dist", "LICENSE"),   # the YAML parser of request files dropped on /check/
    # The JSON Schema 2020-12 validator of the profile editor: plain ES modules, no dependencies.
    "@cfworker/json-schema": ("dist/esm", "package.json"),
}


class VendorMissing(Exception):
    """A library the site needs is not installed as the lock file pins it."""


def _pinned_versions(project: Path) -> dict[str, str]:
    lock_file = project / "package-lock.json"
    try:
        lock = json.loads(lock_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise VendorMissing(f"cannot read {lock_file}: {err}") from None
    return {path.removeprefix("node_modules/"): entry.get("version", "")
            for path, entry in lock.get("packages", {}).items() if path.startswith("node_modules/")}


def _installed_version(package_folder: Path) -> str | None:
    try:
        return json.loads((package_folder / "package.json").read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def _files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def installed_package(project: Path, package: str) -> tuple[Path, str]:
    """The folder of an npm package and its version, once checked against the lock file's pin."""
    pinned = _pinned_versions(project).get(package)
    folder = project / "node_modules" / package
    installed = _installed_version(folder)
    if installed is None or installed != pinned:
        found = f"version {installed} is installed" if installed else "it is not installed"
        raise VendorMissing(
            f"the site needs the npm package `{package}` {pinned or '(not in package-lock.json)'}, "
            f"but {found}; run `make` (or `npm ci`) in {project} first")
    return folder, installed


def package_file(project: Path, package: str, part: str) -> tuple[bytes, str]:
    """One file of an installed npm package (checked as `installed_package` does) and the
    package's version."""
    folder, version = installed_package(project, package)
    try:
        return (folder / part).read_bytes(), version
    except OSError:
        raise VendorMissing(f"`{package}` has no `{part}`; reinstall it with `npm ci`") from None


def vendor_files(project: Path) -> dict[str, bytes]:
    """Every shipped file by its path in the site (`assets/vendor/yaml/browser/dist/index.js`)."""
    files: dict[str, bytes] = {}
    for package, parts in SHIPPED.items():
        folder, _ = installed_package(project, package)
        for part in parts:
            source = folder / part
            if not source.exists():
                raise VendorMissing(f"`{package}` has no `{part}`; reinstall it with `npm ci`")
            for path in _files_under(source):
                files[f"{VENDOR_PREFIX}{package}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    return dict(sorted(files.items()))
