"""What a build loads at start-up: the build key's library versions without importlib.metadata.

Speed itself is measured by bench/run.py, never asserted here.
"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from digest.cache import LIBRARIES, _version

REPO = Path(__file__).parent.parent


def test_library_versions_from_dist_info_names_are_importlib_metadatas():
    names = {distribution.metadata["Name"] for distribution in metadata.distributions()}
    for name in sorted(names | set(LIBRARIES) | {"no-such-library"}):
        try:
            expected = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = "-"
        assert _version(name) == expected, name


def test_the_build_key_is_made_without_loading_importlib_metadata():
    code = ("import sys; import digest.render, digest.cache; digest.cache.code_version(); "
            "print(sorted(name for name in sys.modules if name.startswith(('importlib.metadata', 'email'))))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
