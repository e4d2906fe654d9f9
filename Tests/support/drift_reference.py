"""PSI recomputed with numpy the way the protocol reference (§11.4) derives it, to check the
drift engine's answers from outside."""

import math

import numpy as np


def reference_psi(baseline: np.ndarray, window: np.ndarray, bins: int = 5) -> "tuple[float, list]":
    """PSI as §11.4 derives it: edges are baseline order statistics X(round(n·j/k)), bins
    (e[j-1], e[j]] with bin 1 closed on the left, outlier bins, 0.005 for empty bins."""
    ordered = np.sort(baseline)
    n = len(ordered)
    edges = [ordered[0]] + [ordered[int(round(n * j / bins)) - 1] for j in range(1, bins + 1)]

    def counts(values):
        result = [0] * (bins + 2)
        for x in values:
            if x < edges[0]:
                result[0] += 1
            elif x > edges[bins]:
                result[bins + 1] += 1
            else:
                result[max(1, int(np.searchsorted(edges, x, side="left")))] += 1
        return result

    b, w = counts(baseline), counts(window)
    scores = []
    for bc, wc in zip(b, w):
        bd, wd = bc / len(baseline), wc / len(window)
        if bd == 0 and wd == 0:
            scores.append(0.0)
            continue
        bd, wd = bd or 0.005, wd or 0.005
        scores.append((wd - bd) * math.log(wd / bd))
    return sum(scores), scores
