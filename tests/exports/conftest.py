"""An export of the published demo night with minimums low enough that files get written."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.exports.export import CampaignExport, export_published
from pipeline.exports.min_sizes import min_audience_sizes
from pipeline.home import Home
from tests.conftest import copy_home


@pytest.fixture(scope="session")
def exported_home(published_home: Home, tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, Path, list[CampaignExport]]:
    home = copy_home(published_home, tmp_path_factory.mktemp("exported"))
    target, results = export_published(home, min_audience_sizes("1"))
    return home, target, results
