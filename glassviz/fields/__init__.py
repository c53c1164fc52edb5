"""The field registry (DESIGN.md, "Layout"): every per-particle quantity under one name.

``registry``    name -> computation, :func:`compute_fields` with Oyama's post-processing;
``names``       :class:`FieldName`, the one place ``KIND@MODEL`` and ``file:NAME`` strings are split;
``columns``     the file's own per-particle columns as fields, and the clash rule (``file:NAME``);
``indicators``  the plain indicators and isoconfigurational ground truth;
``models``      ``propensity@MODEL``, ``edge_change@MODEL``, ``gradcam@MODEL``, ``attention@MODEL``
                (imported on first use, so the plain-field path never imports torch).

This package sits above ``models`` and ``explain`` and below ``analysis``, ``app`` and ``cli``.
"""

from glassviz.fields import indicators  # noqa: F401  (registers the plain fields)
from glassviz.fields.names import FieldName
from glassviz.fields.registry import (
                                      FIELDS,
                                      MODEL_FIELD_MODULES,
                                      MODEL_FIELDS,
                                      FieldContext,
                                      FieldSpec,
                                      available,
                                      compute_field,
                                      compute_fields,
                                      describe,
                                      postprocess,
                                      register,
                                      register_model_field,
)

__all__ = ["FIELDS", "MODEL_FIELDS", "MODEL_FIELD_MODULES", "FieldContext", "FieldName", "FieldSpec", "available",
           "compute_field", "compute_fields", "describe", "postprocess", "register", "register_model_field"]
