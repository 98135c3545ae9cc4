"""Pure NumPy metric kernels: arrays in, numbers out.

Kernels never read files, print, warn or exit. An undefined value is NaN and its reason is
recorded in :class:`MetricSet.reasons`; ``evaluate.py`` turns that into ``None`` plus a
report warning.
"""

from evalml_cli.kernels._result import MetricSet, pow2_scale

__all__ = ["MetricSet", "pow2_scale"]
