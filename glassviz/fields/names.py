"""Field names as values: ``voronoi_volume`` (a plain field), ``KIND@MODEL`` (a model field) or
``file:NAME`` (the file's own column NAME, when NAME clashes with a built-in name).

One place splits the strings, so that the CLI, the registry and the dashboard agree on what a
name means::

    >>> FieldName.parse("propensity@botan_ka3d_T0.64_t16.5")
    FieldName(kind='propensity', model='botan_ka3d_T0.64_t16.5', source=None)
    >>> str(FieldName("edge_change", "m"))
    'edge_change@m'
    >>> FieldName.parse("file:propensity@m")
    FieldName(kind='propensity@m', model=None, source='file')

A ``file:`` name is taken whole after the prefix (a column may itself be called ``a@b``); which
plain names are file columns is decided by the registry (:mod:`glassviz.fields.columns`), since
only the snapshot knows its columns.
"""

from __future__ import annotations

from dataclasses import dataclass

FILE_PREFIX = "file:"
# model field kinds that come from a propensity network's prediction (scored on type A, averaged
# over orientations, swapped for the model of another horizon), and those of them computed from
# every member of the model's ensemble
PROPENSITY_KINDS = ("propensity", "edge_change", "propensity_mean", "propensity_std")
ENSEMBLE_KINDS = ("propensity_mean", "propensity_std")


@dataclass(frozen=True)
class FieldName:
    """``kind``: the field kind (``propensity``, ``tong_tanaka``, ...), or the column name of a
    ``file:`` name; ``model``: the model name of a model field, None otherwise; ``source``:
    ``"file"`` for a name given as ``file:NAME``, None otherwise."""

    kind: str
    model: str | None = None
    source: str | None = None

    @classmethod
    def parse(cls, name: str) -> FieldName:
        name = str(name)
        if name.startswith(FILE_PREFIX):
            return cls(name[len(FILE_PREFIX):], None, "file")
        kind, sep, model = name.partition("@")
        return cls(kind, model if sep else None)

    @classmethod
    def column(cls, name: str) -> FieldName:
        """The explicit name of the file column ``name`` (``file:NAME``)."""
        return cls(str(name), None, "file")

    @property
    def is_model(self) -> bool:
        return self.model is not None

    @property
    def is_column(self) -> bool:
        """Given as ``file:NAME`` (an explicit file column)."""
        return self.source == "file"

    def with_model(self, model: str) -> FieldName:
        """The same kind of field from another model."""
        return FieldName(self.kind, model)

    def __str__(self) -> str:
        if self.source == "file":
            return FILE_PREFIX + self.kind
        return self.kind if self.model is None else f"{self.kind}@{self.model}"
