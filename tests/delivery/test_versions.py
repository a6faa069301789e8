"""One version: pyproject.toml's, repeated by the pack, the changelog and the example's pin."""

from __future__ import annotations

import re
import tomllib

import yaml
from wheelenv import DISTRIBUTION, EXAMPLE, REPO

VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
# semver.org's core (no pre-release or build part: releases only).
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def test_version_is_semantic() -> None:
    assert SEMVER.match(VERSION), VERSION


def test_policy_pack_version_is_the_package_version() -> None:
    spec = yaml.safe_load((REPO / "policies" / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert str(spec["version"]) == VERSION


def test_changelog_latest_release_is_the_package_version() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.MULTILINE)
    assert headings[0] == ("Unreleased", ""), headings[:2]
    version, date = headings[1]
    assert (version, bool(date)) == (VERSION, True)
    # Keep a Changelog: every version heading is a link at the bottom.
    for name, _ in headings:
        assert re.search(rf"^\[{re.escape(name)}\]: https://", text, re.MULTILINE), name


def test_example_pins_the_package_version() -> None:
    requirements = (EXAMPLE / "requirements.txt").read_text(encoding="utf-8")
    pins = re.findall(rf"^{DISTRIBUTION}(?:\[[a-z,-]+\])?==(\S+)$", requirements, re.MULTILINE)
    assert pins == [VERSION]
