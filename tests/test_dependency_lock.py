"""The environment is installed from the committed lock, and the lock avoids the known traps."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _lock() -> dict[str, str]:
    data = tomllib.loads((ROOT / "uv.lock").read_text())
    return {pkg["name"]: pkg["version"] for pkg in data["package"] if "version" in pkg}


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = [Requirement(r) for r in project["project"]["dependencies"]]
    reqs += [Requirement(r) for r in project["dependency-groups"]["dev"]]
    return reqs


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_dependency_is_locked_within_its_range() -> None:
    locked = _lock()
    for requirement in _requirements():
        name = _canonical(requirement.name)
        assert name in locked, f"{name} is not in uv.lock: run `uv lock`"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"uv.lock has {name} {locked[name]}, outside {requirement.specifier}"
        )


def test_runtime_dependencies_are_pinned_exactly_or_capped() -> None:
    for requirement in _requirements():
        operators = {spec.operator for spec in requirement.specifier}
        assert "==" in operators or "<" in operators, f"{requirement} is neither pinned nor capped"


def test_installed_environment_matches_the_lock() -> None:
    locked = _lock()
    mismatched = []
    for dist in metadata.distributions():
        name = _canonical(dist.metadata["Name"])
        if name in locked and name != "oneid" and locked[name] != dist.version:
            mismatched.append(f"{name}: installed {dist.version}, locked {locked[name]}")
    assert not mismatched, "environment drifted from uv.lock: " + "; ".join(mismatched)


def test_known_traps_are_avoided() -> None:
    locked = _lock()
    assert locked["dbt-core"].startswith("1.11."), "dbt-core 1.12 downloads a parser at install time"
    assert locked["duckdb"].split(".")[0] == "1", "DuckDB 2 files cannot be read by 1.x clients"
    assert locked["duckdb"] == locked["duckdb-cli"], "the CLI must read the warehouse the library writes"
    assert not (ROOT / "packages.yml").exists(), "dbt deps needs the network"
