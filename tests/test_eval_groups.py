"""The evaluation reports supply-table questions apart from document questions."""

import pytest

from eval.run import source_kind


@pytest.mark.parametrize(
    "sources, kind",
    [
        (["renault-verkor-battery-partnership.md", "battery_supply.csv"], "table"),  # a fact in both
        (["shipments.JSON"], "table"),  # JSON tables count, whatever the case
        (["renault-verkor-battery-partnership.md"], "documents only"),
        ([], "none"),  # unanswerable
    ],
)
def test_source_kind(sources, kind):
    assert source_kind({"reference": {"sources": sources}}) == kind
