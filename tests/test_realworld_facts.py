"""Regression floor for the metadata on real pages: the dev part's field figures (bench/cleaning.py)
must not fall below what the scored candidates reached (issue 22). Dev part only: the test part is
never used to tune, nor to guard tuning."""

# A little under the figures reached on the 147 dev pages (title 95.2, date 100.0, authors 98.0,
# source 99.3, source_url 100.0, tags 98.0 %), so that a page or two may move when the body cleaner
# changes, but no kind of fact can slide back. The dev part grew from 102 to 147 pages with 45 pages
# no rule had seen (rw200-rw244, 85.6 % of facts right before any tuning on them); on the first 102
# every field stands where it stood (title 98.0, date 100.0, authors 99.0, source 99.0, tags 99.0 %).
FLOORS = {"title": 94.0, "date": 97.0, "authors": 96.0, "source": 97.0, "source_url": 97.0, "tags": 97.0}


def test_dev_part_metadata_stays_above_its_floors(dev_summary):
    summary = dev_summary
    figures = {name: 100 * summary["fields"][name] / summary["pages"] for name in FLOORS}
    assert {name: round(value, 1) for name, value in figures.items() if value < FLOORS[name]} == {}
