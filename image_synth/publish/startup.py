"""A start-up cost the batch's own processes leave out: the IRI grammar of jsonschema.

papermill and nbconvert read notebooks with nbformat, which validates them with
jsonschema. When jsonschema is imported it imports every format checker it can find,
and ``rfc3987-syntax`` (installed beside JupyterLab: jupyter-events asks for
``jsonschema[format-nongpl]``) builds some 35 Earley parsers for the ``iri`` and
``iri-reference`` formats at import: about 2 s on a 2-core machine, in the runner and
again in every worker process (python-jsonschema/jsonschema#1428, jupyter/nbformat#420).
No notebook schema uses those formats, so the processes the batch starts for itself
(the CLI's ``run`` and the local pool's workers) mark the module as absent before
anything imports jsonschema; jsonschema then leaves those two format checkers out, as
it does where the package is not installed. Nothing else changes: nbformat validates
every notebook as before.

It is not done on import of image_synth, nor in a notebook's kernel or a dask worker
that belongs to somebody else: there a schema of another package might use the formats.
"""

from __future__ import annotations

import sys

__all__ = ["IRI_GRAMMAR", "skip_iri_grammar"]

#: The module whose import builds the parsers.
IRI_GRAMMAR = "rfc3987_syntax"


def skip_iri_grammar() -> bool:
    """Mark :data:`IRI_GRAMMAR` as not installed in this process, unless jsonschema (or
    the module) is imported already; returns whether it did."""
    if "jsonschema" in sys.modules or IRI_GRAMMAR in sys.modules:
        return False
    sys.modules[IRI_GRAMMAR] = None  # import raises ImportError: the checker is left out
    return True
