"""The training catalogue: which scenarios exist, what a trainee reads about them, and the
root causes to choose from. It is data, ``resources/training/catalogue.toml``, read through
the resources accessor; its comments describe each field.

Decisions the next engineer needs:

- The catalogue is shipped with the code and checked when first read: a missing or unknown
  key, a duplicate name or id, a difficulty outside ``DIFFICULTIES`` or a ``root_cause``
  that names no root cause raises ``CatalogueError`` at once, naming the entry. A broken
  catalogue is a bug to fix, not a user's input to tolerate.
- Adding a scenario means a ``[[scenario]]`` entry here, with its one right ``root_cause``,
  and a generator module of the same name in ``inspector.training.scenarios``.
- A scenario's ``summary`` may be left out when its module computes it from its own values;
  the scenario then takes its module's (``inspector.training.scenarios.load``).

>>> catalogue = read_catalogue()
>>> catalogue.scenario("deadlock").difficulty, catalogue.scenario("deadlock").root_cause
('medium', 'deadlock')
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from typing import Any

import resources

CATALOGUE_RESOURCE = "training/catalogue.toml"
DIFFICULTIES = ("easy", "medium", "hard")


class CatalogueError(ValueError):
    """The shipped catalogue is malformed; the message names the entry and the fault."""


@dataclass(frozen=True)
class RootCause:
    """One answer a trainee can choose.

    Attributes:
        id: stable id, stored in progress files.
        label: the choice as the trainee reads it.
        description: what it means, one sentence.
    """

    id: str
    label: str
    description: str


@dataclass(frozen=True)
class CatalogueEntry:
    """One scenario as the catalogue describes it.

    Attributes:
        name: the scenario, and the module in ``inspector.training.scenarios`` building it.
        root_cause: the id of its one right ``RootCause``.
        summary: the root cause as the answer key states it, or ``None`` when the
            scenario's module computes it.
    """

    name: str
    title: str
    difficulty: str
    root_cause: str
    tags: tuple[str, ...]
    summary: str | None


@dataclass(frozen=True)
class Catalogue:
    """The root causes and the scenarios, each in catalogue order."""

    root_causes: tuple[RootCause, ...]
    scenarios: tuple[CatalogueEntry, ...]

    def scenario(self, name: str) -> CatalogueEntry:
        """The entry of scenario ``name``; ``KeyError`` when the catalogue has none."""
        for entry in self.scenarios:
            if entry.name == name:
                return entry
        raise KeyError(name)


def _checked(table: Any, where: str, required: tuple[str, ...],
             optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """``table`` when it has the keys wanted, each non-empty text (``tags``: words)."""
    if not isinstance(table, dict):
        raise CatalogueError(f"{where}: must be a table")
    unknown = sorted(set(table) - {*required, *optional})
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {', '.join(unknown)}")
    missing = [key for key in required if key not in table]
    if missing:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}")
    for key, value in table.items():
        words = value if key == "tags" else [value]
        if not isinstance(words, list) or \
                not all(isinstance(word, str) and word.strip() for word in words):
            raise CatalogueError(f"{where}: {key} must be "
                                 + ("a list of words" if key == "tags" else "non-empty text"))
    return table


def parse_catalogue(text: str) -> Catalogue:
    """The catalogue in ``text`` (the TOML of ``CATALOGUE_RESOURCE``), checked."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"root_cause", "scenario"})
    if unknown:
        raise CatalogueError(f"unknown table(s) {', '.join(unknown)}")
    causes = []
    for number, table in enumerate(data.get("root_cause", []), 1):
        fields = _checked(table, f"root_cause {number}", ("id", "label", "description"))
        causes.append(RootCause(fields["id"], fields["label"], fields["description"]))
    cause_ids = [cause.id for cause in causes]
    scenarios = []
    for number, table in enumerate(data.get("scenario", []), 1):
        where = f"scenario {number}"
        fields = _checked(table, where, ("name", "title", "difficulty", "root_cause", "tags"),
                          ("summary",))
        where = f"scenario {fields['name']!r}"
        if fields["difficulty"] not in DIFFICULTIES:
            raise CatalogueError(f"{where}: difficulty must be one of {', '.join(DIFFICULTIES)}")
        if fields["root_cause"] not in cause_ids:
            raise CatalogueError(f"{where}: root_cause {fields['root_cause']!r} is not a "
                                 "[[root_cause]] id")
        scenarios.append(CatalogueEntry(fields["name"], fields["title"], fields["difficulty"],
                                        fields["root_cause"], tuple(fields["tags"]),
                                        fields.get("summary")))
    for what, names in (("root_cause id", cause_ids), ("scenario", [s.name for s in scenarios])):
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise CatalogueError(f"{what} listed twice: {', '.join(repeated)}")
    return Catalogue(tuple(causes), tuple(scenarios))


@functools.cache
def read_catalogue() -> Catalogue:
    """The shipped catalogue, read and checked once."""
    return parse_catalogue(resources.read_text(CATALOGUE_RESOURCE))
