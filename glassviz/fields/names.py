"""Field names as values: ``voronoi_volume`` (a plain field) or ``KIND@MODEL`` (a model field).

One place splits the strings, so that the CLI, the registry and the dashboard agree on what a
name means::

    >>> FieldName.parse("propensity@botan_ka3d_T0.64_t16.5")
    FieldName(kind='propensity', model='botan_ka3d_T0.64_t16.5')
    >>> str(FieldName("edge_change", "m"))
    'edge_change@m'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldName:
    """``kind``: the field kind (``propensity``, ``tong_tanaka``, ...); ``model``: the model name
    of a model field, None for a plain field."""

    kind: str
    model: str | None = None

    @classmethod
    def parse(cls, name: str) -> "FieldName":
        kind, sep, model = str(name).partition("@")
        return cls(kind, model if sep else None)

    @property
    def is_model(self) -> bool:
        return self.model is not None

    def with_model(self, model: str) -> "FieldName":
        """The same kind of field from another model."""
        return FieldName(self.kind, model)

    def __str__(self) -> str:
        return self.kind if self.model is None else f"{self.kind}@{self.model}"
