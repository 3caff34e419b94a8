"""Helpers for rectangular files."""

from __future__ import annotations

import numpy as np
import pandas as pd

from image_synth.read.tabular import read_table, records


def test_records_match_pandas_to_dict(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("id;text;start\nA;x;3\nB;;\nC;y\n", encoding="utf-8")  # C: a short row
    read = read_table(path)
    hand_made = pd.DataFrame({"text": ["a", "", np.nan], "other": pd.Series(["1", "2", None],
                                                                             dtype=object)})
    for frame in (read, read.iloc[:0], read[["text"]], hand_made):
        expected = frame.to_dict("records")
        found = list(records(frame))
        assert [{k: repr(v) for k, v in row.items()} for row in found] == [
            {k: repr(v) for k, v in row.items()} for row in expected]
