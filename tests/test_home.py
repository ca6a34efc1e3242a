from pathlib import Path

import pytest

from pipeline.home import HOME_ENV, Home


def test_explicit_home_beats_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "from-env"))
    assert Home.resolve(tmp_path / "explicit").root == (tmp_path / "explicit").resolve()


def test_environment_beats_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "from-env"))
    assert Home.resolve().root == (tmp_path / "from-env").resolve()


def test_default_is_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(HOME_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert Home.resolve().root == (tmp_path / "data").resolve()


def test_every_path_lives_under_the_home(tmp_path: Path) -> None:
    home = Home.resolve(tmp_path / "h").ensure()
    paths = [getattr(home, name) for name in dir(Home) if isinstance(getattr(Home, name), property)]
    assert paths, "Home exposes its paths as properties"
    for path in paths:
        assert home.root in path.parents, f"{path} escapes the home"
    for folder in (home.inbox, home.raw, home.quarantine, home.runs, home.state, home.exports, home.reports):
        assert folder.is_dir()
