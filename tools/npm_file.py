"""Copy one file out of a pinned npm package into the app's static folder.

    python3 tools/npm_file.py NAME VERSION INTEGRITY PATH_IN_PACKAGE DESTINATION

The package's tarball comes from the npm registry and is checked against the
integrity (``sha512-…``, as the registry and package-lock.json give it) before
anything is written: a tarball that differs stops the build. Standard library
only, so a fresh machine needs neither node nor npm.
"""

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"


def tarball_url(name: str, version: str) -> str:
    return f"{REGISTRY}/{name}/-/{name.rpartition('/')[2]}-{version}.tgz"


def fetch(name: str, version: str, integrity: str, member: str) -> bytes:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise SystemExit(f"expected a sha512 integrity, got {integrity!r}")
    with urllib.request.urlopen(tarball_url(name, version), timeout=60) as response:
        tarball = response.read()
    actual = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if actual != expected:
        raise SystemExit(f"{name}@{version}: the tarball's sha512 is {actual}, not the pinned {expected}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        extracted = archive.extractfile(member)
        if extracted is None:
            raise SystemExit(f"{name}@{version} has no file {member}")
        return extracted.read()


def main(name: str, version: str, integrity: str, member: str, destination: str) -> None:
    content = fetch(name, version, integrity, member)
    target = Path(destination)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(content)
    partial.replace(target)  # never a half-written file under the real name
    print(f"{target}: {name}@{version} {member} ({len(content):,} bytes, integrity checked)")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
