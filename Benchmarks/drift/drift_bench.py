"""PSI of many features between a baseline and a window: Slipway's `slipway drift` against
Evidently's data drift report (PSI) and a hand-rolled numpy PSI, on the same Arrow files.

Data: --features columns of --rows float64 values each, baseline and window, drawn once with a
fixed seed (normal, uniform, lognormal and bimodal columns; the window shifted and rescaled by
an amount that grows with the column's index) and written as Arrow IPC files into --data-dir
(reused while the sizes and seed match).

Timed, in interleaved rounds (the order rotates each round):
  slipway   the engine's own time for every column (stderr of `slipway drift --timing`: the
            report, excluding file reading), and the process's wall time;
  numpy     the floor a user would script: per column, order-statistic quantile edges
            (np.partition), bins (np.searchsorted), PSI with the 0.005 empty-bin rule; the same
            rule as Slipway, so its scores must agree (checked, |diff| <= 1e-9);
  evidently Report([DataDriftPreset(method="psi")]).run(...) on pandas frames built beforehand
            (Evidently's PSI bins each column by numpy's Sturges edges over both samples).
Prints a Markdown table of medians and ratios; --output writes the figures as JSON.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc


def generate(features, rows, seed):
    """Baseline and window columns; the window drifts more as the column index grows."""
    rng = np.random.default_rng(seed)
    baseline, window = {}, {}
    for f in range(features):
        kind = f % 4
        shift = 0.02 * (f % 10)
        if kind == 0:
            b, w = rng.normal(10, 2, rows), rng.normal(10 + 2 * shift, 2 * (1 + shift), rows)
        elif kind == 1:
            b, w = rng.uniform(-1, 1, rows), rng.uniform(-1 + shift, 1 + shift, rows)
        elif kind == 2:
            b, w = rng.lognormal(0, 0.5, rows), rng.lognormal(shift, 0.5, rows)
        else:
            b = np.where(rng.random(rows) < 0.3, rng.normal(-2, 0.5, rows), rng.normal(2, 1, rows))
            w = np.where(rng.random(rows) < 0.3 + shift, rng.normal(-2, 0.5, rows), rng.normal(2, 1, rows))
        baseline[f"f{f:03d}"], window[f"f{f:03d}"] = b, w
    return baseline, window


def write_arrow(path, columns):
    table = pa.table(columns)
    with pa.OSFile(path, "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def read_arrow(path):
    with pa.memory_map(path) as source:
        table = ipc.open_file(source).read_all()
    return {name: table.column(name).to_numpy() for name in table.column_names}


def numpy_psi(baseline, window, bins):
    """Slipway's rule by hand: edges X(round(n*j/k)) (1-based), bins (e[j-1], e[j]] with the
    left edge in bin 1, outlier bins either side, PSI with 0.005 for an empty bin."""
    n = baseline.size
    ranks = [max(1, (2 * n * j + bins) // (2 * bins)) for j in range(1, bins)]
    inner = np.partition(baseline, [r - 1 for r in ranks])[[r - 1 for r in ranks]] if ranks else np.array([])
    lo, hi = baseline.min(), baseline.max()
    uppers = np.concatenate([inner, [hi]])

    def densities(values):
        left = np.count_nonzero(values < lo)
        idx = np.searchsorted(uppers, values[values >= lo], side="left")
        counts = np.bincount(idx, minlength=bins + 1)
        return np.concatenate([[left], counts]) / values.size

    b, w = densities(baseline), densities(window)
    both_empty = (b == 0) & (w == 0)
    bb, ww = np.where(b == 0, 0.005, b), np.where(w == 0, 0.005, w)
    terms = np.where(both_empty, 0.0, (ww - bb) * np.log(ww / bb))
    return float(sum(terms.tolist()))


def run_slipway(binary, baseline_path, window_path, bins):
    start = time.perf_counter()
    done = subprocess.run([binary, "drift", baseline_path, window_path, "--bins", str(bins), "--timing"],
                          check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    engine = None
    for line in done.stderr.splitlines():
        if line.startswith("drift engine:"):
            engine = float(line.split(" in ")[1].split()[0])
    report = json.loads(done.stdout)
    return engine, wall, {f["name"]: f["score"] for f in report["features"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bins", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240613)
    parser.add_argument("--data-dir", default=os.path.join(os.path.dirname(__file__), "..", "results", "drift-data"))
    parser.add_argument("--slipway", default=os.environ.get("SLIPWAY_BIN", ".build-release/release/slipway"))
    parser.add_argument("--skip-evidently", action="store_true")
    parser.add_argument("--output")
    args = parser.parse_args()

    os.makedirs(args.data_dir, exist_ok=True)
    stem = os.path.join(args.data_dir, f"drift-{args.features}x{args.rows}-s{args.seed}")
    baseline_path, window_path = stem + "-baseline.arrow", stem + "-window.arrow"
    if not (os.path.exists(baseline_path) and os.path.exists(window_path)):
        print(f"generating {args.features} x {args.rows} rows ...", file=sys.stderr)
        baseline, window = generate(args.features, args.rows, args.seed)
        write_arrow(baseline_path, baseline)
        write_arrow(window_path, window)
        del baseline, window
    baseline, window = read_arrow(baseline_path), read_arrow(window_path)
    names = list(baseline)

    frames = None
    if not args.skip_evidently:
        import pandas as pd
        from evidently import DataDefinition, Dataset, Report
        from evidently.presets import DataDriftPreset

        definition = DataDefinition(numerical_columns=names)
        frames = (Dataset.from_pandas(pd.DataFrame(baseline), data_definition=definition),
                  Dataset.from_pandas(pd.DataFrame(window), data_definition=definition))

    def slipway_round():
        engine, wall, scores = run_slipway(args.slipway, baseline_path, window_path, args.bins)
        return {"slipway_engine_s": engine, "slipway_process_s": wall}, scores

    def numpy_round():
        start = time.perf_counter()
        scores = {name: numpy_psi(baseline[name], window[name], args.bins) for name in names}
        return {"numpy_s": time.perf_counter() - start}, scores

    def evidently_round():
        start = time.perf_counter()
        snapshot = Report([DataDriftPreset(method="psi")]).run(current_data=frames[1], reference_data=frames[0])
        elapsed = time.perf_counter() - start
        values = [m["value"] for m in snapshot.dict()["metrics"] if m["metric_name"].startswith("ValueDrift(")]
        assert len(values) == len(names), f"evidently reported {len(values)} columns"
        return {"evidently_s": elapsed}, None

    runners = [("slipway", slipway_round), ("numpy", numpy_round)]
    if frames is not None:
        runners.append(("evidently", evidently_round))
    rounds, slipway_scores, numpy_scores = [], None, None
    for r in range(args.rounds):
        figures = {}
        order = runners[r % len(runners):] + runners[:r % len(runners)]
        for name, runner in order:
            result, scores = runner()
            figures.update(result)
            if name == "slipway":
                slipway_scores = scores
            elif name == "numpy":
                numpy_scores = scores
            print(f"round {r + 1} {name}: {result}", file=sys.stderr)
        rounds.append(figures)

    worst = max(abs(slipway_scores[n] - numpy_scores[n]) for n in names)
    assert worst <= 1e-9, f"slipway and numpy PSI differ by {worst}"

    def median(key):
        return statistics.median(r[key] for r in rounds)

    summary = {"features": args.features, "rows": args.rows, "bins": args.bins, "rounds": args.rounds,
               "max_abs_psi_diff_vs_numpy": worst, "rounds_figures": rounds,
               "median": {k: median(k) for k in rounds[0]}}
    ratios = {}
    for other in ("numpy_s", "evidently_s"):
        if other in rounds[0]:
            ratios[other.replace("_s", "_over_slipway_engine")] = statistics.median(
                r[other] / r["slipway_engine_s"] for r in rounds)
    summary["median_ratios"] = ratios

    print(f"## PSI drift, {args.features} features x {args.rows:,} rows (baseline and window), {args.bins} quantile bins\n")
    print("| tool | median time (s) | median ratio to Slipway engine |")
    print("|---|---|---|")
    print(f"| Slipway engine (`slipway drift`, excluding file reading) | {median('slipway_engine_s'):.3f} | 1 |")
    print(f"| Slipway process (reading both Arrow files + JSON) | {median('slipway_process_s'):.3f} | |")
    print(f"| numpy hand-rolled PSI (floor) | {median('numpy_s'):.3f} | {ratios['numpy_over_slipway_engine']:.1f}x |")
    if "evidently_s" in rounds[0]:
        print(f"| Evidently 0.7.23 DataDriftPreset(method=psi) | {median('evidently_s'):.3f} | "
              f"{ratios['evidently_over_slipway_engine']:.1f}x |")
    print(f"\nSlipway and numpy PSI agree within {worst:.2e} on every feature.")
    if args.output:
        with open(args.output, "w") as out:
            json.dump(summary, out, indent=2)


if __name__ == "__main__":
    main()
