"""Numbers as a reader should get them: floating-point noise around zero made exactly zero."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

#: Below this absolute value a computed measure is rounding noise (an isolated
#: organization's eigenvector of 3e-39, a hierarchy of 5e-16), not a finding.
NOISE: Final = 1e-12


def without_noise(frame: pd.DataFrame, *, tolerance: float = NOISE) -> pd.DataFrame:
    """A copy of ``frame`` whose float values within ``tolerance`` of zero are exactly 0.

    Only float columns change; NaN stays NaN (a measure that does not apply is not 0).

    >>> frame = pd.DataFrame({"eigenvector": [3.4e-39, 0.5, np.nan], "id": ["a", "b", "c"]})
    >>> without_noise(frame)["eigenvector"].tolist()
    [0.0, 0.5, nan]
    """
    cleaned = frame.copy()
    for column in cleaned.columns:
        values = cleaned[column]
        if pd.api.types.is_float_dtype(values.dtype):
            array = values.to_numpy(dtype=float, copy=True)
            array[np.abs(array) < tolerance] = 0.0
            cleaned[column] = array
    cleaned.attrs.update(frame.attrs)
    return cleaned
