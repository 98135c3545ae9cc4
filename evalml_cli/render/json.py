"""The JSON report: finite numbers only, undefined values as null."""

from __future__ import annotations

import json
import math

from evalml_cli.report import Report


def _clean(obj):
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):  # NumPy scalars
        return _clean(obj.item())
    return obj


def render(report: Report) -> str:
    return json.dumps(_clean(report.to_dict()), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
