"""write_tables: one file per table, atomically; the same tables give the same bytes."""

from __future__ import annotations

import pandas as pd
import pytest

from image_synth.errors import OptionError
from image_synth.quant.report_tables import write_tables

TABLES = {"table_a": pd.DataFrame({"wave": [2023, 2023], "count": [1, 2],
                                   "share": [1 / 3, 2 / 3]}),
          "table_b": pd.DataFrame({"code": ["x"], "n": [5]})}


def test_csv_round_trip_and_determinism(tmp_path):
    paths = write_tables(TABLES, tmp_path)
    assert [p.name for p in paths] == ["table_a.csv", "table_b.csv"]
    back = pd.read_csv(paths[0])
    assert back["share"].tolist() == [1 / 3, 2 / 3]      # full precision
    first = paths[0].read_bytes()
    write_tables(TABLES, tmp_path)
    assert paths[0].read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table_a.csv", "table_b.csv"]


def test_xlsx(tmp_path):
    (path, _) = write_tables(TABLES, tmp_path, fmt="xlsx")
    assert pd.read_excel(path)["count"].tolist() == [1, 2]


def test_failed_write_keeps_the_earlier_file(tmp_path):
    write_tables(TABLES, tmp_path)
    good = (tmp_path / "table_a.csv").read_bytes()

    class Broken(pd.DataFrame):
        def to_csv(self, *args, **kwargs):
            raise OSError("disk full")

    with pytest.raises(OSError):
        write_tables({"table_a": Broken(TABLES["table_a"])}, tmp_path)
    assert (tmp_path / "table_a.csv").read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table_a.csv", "table_b.csv"]


def test_unknown_format():
    with pytest.raises(OptionError, match="'csv', 'xlsx'"):
        write_tables(TABLES, ".", fmt="ods")
