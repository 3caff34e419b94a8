"""The exception tree of image_synth.

Every error the package raises on purpose derives from :class:`ImageSynthError`,
so a caller (the CLI, a batch runner, a notebook) can catch the package's own
failures in one place and let real bugs surface as bugs.

::

    ImageSynthError
    ├── StudyError              a study folder or study/instrument/codebook file is wrong
    ├── DataValidationError     input data break the rules; carries every Problem found
    │   └── UnsafeInputError    a hostile or damaged file (zip bomb, XXE, ``../`` member)
    ├── AnalysisError           bad arguments to an analysis function (also a ValueError)
    │   └── OptionError         a value outside an option's word list
    └── RunError                a notebook run or publishing step failed
        └── NotebookParameterError  a parameter the notebook does not declare

Validation errors never stop at the first problem: readers and validators collect
:class:`Problem` records and raise one :class:`DataValidationError` whose message is
a readable report naming file, row, column, value and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

__all__ = [
    "ImageSynthError",
    "StudyError",
    "DataValidationError",
    "UnsafeInputError",
    "AnalysisError",
    "OptionError",
    "RunError",
    "NotebookParameterError",
    "Problem",
]

#: How many problems a report prints before it summarises the rest.
MAX_REPORTED_PROBLEMS = 200


class ImageSynthError(Exception):
    """Root of every error raised on purpose by image_synth."""


class StudyError(ImageSynthError):
    """A study folder, or one of its YAML files, cannot be used."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input.

    Parameters
    ----------
    file
        The file (as the user named it, relative to the study folder where possible).
    message
        What is wrong, in a sentence.
    row
        The data row (1-based, as a spreadsheet shows it, header excluded) or an XML
        element path; ``None`` when the problem concerns the whole file.
    column
        The column, field or XML attribute; ``None`` when not applicable.
    value
        The offending value as read; ``None`` when the value is absent.
    expected
        What would have been accepted.
    """

    file: str
    message: str
    row: int | str | None = None
    column: str | None = None
    value: Any = None
    expected: str | None = None

    def render(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}" if isinstance(self.row, int) else str(self.row))
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = ", ".join(where) + f": {self.message}"
        if self.value is not None:
            shown = shown_value(self.value)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            text += f"; found {shown}"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


#: How much of a nested value a message shows: levels, and values in all (a report cuts
#: a value at 80 characters anyway; a value from a file may be nested hundreds deep or
#: hold millions of values, and is never walked further than this).
_SHOWN_DEPTH = 8
_SHOWN_VALUES = 64


def shown_value(value: Any) -> str:
    """A value as a message shows it: ``9``, ``2.5``, ``'veel'``, never ``np.int64(9)``.

    NumPy and pandas scalars are shown as the Python values they stand for (an integral
    float as a whole number, as a code is written in the file); text is quoted, so that
    empty and blank cells stay visible; lists, tuples and mappings are shown element by
    element, at most a few levels deep and a few dozen values in all (``...`` for the
    rest), so that no value from a file can make a message deep or long to build.
    """
    return _shown(value, 0, [_SHOWN_VALUES])


def _shown(value: Any, depth: int, budget: list[int]) -> str:
    budget[0] -= 1
    if isinstance(value, (list, tuple, dict)):
        opening, closing = ("[", "]") if isinstance(value, list) else \
            ("(", ")") if isinstance(value, tuple) else ("{", "}")
        if depth >= _SHOWN_DEPTH or budget[0] < 0:
            return f"{opening}...{closing}" if len(value) else opening + closing
        parts = []
        pairs = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        for key, item in pairs:
            if budget[0] <= 0:
                parts.append("...")
                break
            shown = _shown(item, depth + 1, budget)
            parts.append(shown if key is None else f"{_shown(key, depth + 1, budget)}: {shown}")
        inner = ", ".join(parts)
        if isinstance(value, tuple) and len(value) == 1:
            inner += ","
        return f"{opening}{inner}{closing}"
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.item()  # np.int64(9) -> 9, np.str_('a') -> 'a'
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return str(int(value))
    if isinstance(value, (int, float, str, bytes)):
        return repr(value)
    return str(value)  # pd.NA, Timestamp, Decimal...: their own plain text


class DataValidationError(ImageSynthError):
    """Input data break the rules. Holds every :class:`Problem` found.

    ``str(error)`` is a readable report, one line per problem.
    """

    def __init__(self, problems: Iterable[Problem], *, title: str | None = None):
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("DataValidationError needs at least one Problem")
        self.title = title or self._default_title()
        super().__init__(self.report())

    def _default_title(self) -> str:
        n = len(self.problems)
        files = sorted({p.file for p in self.problems})
        return f"{n} problem{'s' if n != 1 else ''} in {', '.join(files)}"

    def report(self) -> str:
        lines = [self.title + ":"]
        for problem in self.problems[:MAX_REPORTED_PROBLEMS]:
            lines.append("  - " + problem.render())
        hidden = len(self.problems) - MAX_REPORTED_PROBLEMS
        if hidden > 0:
            lines.append(f"  ... and {hidden} more")
        return "\n".join(lines)


class UnsafeInputError(DataValidationError):
    """A file that is damaged or hostile: refused before it can do harm."""

    def __init__(self, file: str, message: str, *, row: int | str | None = None,
                 column: str | None = None, value: Any = None, expected: str | None = None):
        super().__init__([Problem(file=file, message=message, row=row, column=column,
                                  value=value, expected=expected)])


class AnalysisError(ImageSynthError, ValueError):
    """Arguments an analysis function cannot work with (unknown item, too few cases...)."""


class OptionError(AnalysisError):
    """A value outside an option's word list; the message lists every valid value."""


class RunError(ImageSynthError):
    """A notebook run or a publishing step failed."""


class NotebookParameterError(RunError):
    """A parameter was passed that the notebook's ``parameters`` cell does not declare."""
