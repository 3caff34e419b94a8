"""Small hand-made fixtures for the qualitative strand (counts worked out by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

NA = pd.NA


@pytest.fixture
def codebook() -> pd.DataFrame:
    """wf (grouping) > vertrouwen > {vertrouwen_a, vertrouwen_b}; wf > communicatie;
    hf (grouping) > personeel; cond_tijd (top-level, with a category)."""
    return pd.DataFrame({
        "code": ["wf", "vertrouwen", "vertrouwen_a", "vertrouwen_b", "communicatie", "hf",
                 "personeel", "cond_tijd"],
        "label_nl": ["Werkzame factoren", "Vertrouwen", "Vertrouwen (a)", "Vertrouwen (b)",
                     "Communicatie", "Belemmerende factoren", "Personeel", "Tijd"],
        "label_en": ["Working factors", "Trust", "Trust (a)", "Trust (b)", "Communication",
                     "Hindering factors", "Staff", "Time"],
        "parent": [NA, "wf", "vertrouwen", "vertrouwen", "wf", NA, "hf", NA],
        "category": [NA, "working_factor", NA, NA, "working_factor", NA,
                     "hindering_factor", "condition"],
    })


@pytest.fixture
def sources() -> pd.DataFrame:
    """Five interviews (S4 and S5 mention nothing) and one document (D1)."""
    return pd.DataFrame({
        "source_id": ["S1", "S2", "S3", "S4", "S5", "D1"],
        "source_type": ["interview"] * 5 + ["document"],
        "wave": pd.array([2023] * 6, dtype="Int64"),
        "region": ["A", "A", "B", "C", "D", "A"],
        "situation": ["po_vo", "po_vo", "binnen_po", "binnen_po", "onderwijs_jeugdhulp",
                      "po_vo"],
        "role": ["projectleider"] * 5 + [NA],
        "n_participants": pd.array([1, 1, 1, 2, 1, NA], dtype="Int64"),
        "synthetic": [False, False, False, False, False, True],
        "title": ["Interview 1", "Interview 2", "Interview 3", "Interview 4", "Interview 5",
                  "Plan"],
    })


@pytest.fixture
def segments() -> pd.DataFrame:
    return pd.DataFrame({
        "segment_id": ["g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9"],
        "source_id": ["S1", "S1", "S1", "S2", "S2", "S3", "S3", "D1", "S4"],
        "code": ["vertrouwen_a", "vertrouwen_b", "vertrouwen_a", "communicatie",
                 "vertrouwen_b", "personeel", "cond_tijd", "communicatie", "wf"],
        "code_path": NA,
        "start": pd.array([0, 100, 300, 0, 50, 10, 400, 0, 0], dtype="Int64"),
        "end": pd.array([80, 150, 350, 40, 90, 60, 450, 30, 20], dtype="Int64"),
        "quote": ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"],
        "coder": "ann",
    })
