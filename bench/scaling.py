#!/usr/bin/env python3
"""Case 6: how cost grows. For each synthetic case of make_synthetic.py (spheres of growing
radius at 64 grey levels; one sphere with growing numbers of grey levels, bin width 1, all seven
3D classes) times petrad (--runs runs, median) and PyRadiomics (--py-runs runs; 0 skips it) as
whole processes under GNU time, interleaved, and fits the growth exponent b of
time = a * n^b (CPU time and wall time) by least squares on log-log (n = ROI voxels, or grey
levels), over the cases whose time is at least 3x the smallest case's (so process start-up does
not flatten it), else over the upper half of the cases.
PyRadiomics is skipped (to bound the benchmark's time) above --py-max-levels grey levels and
--py-max-voxels ROI voxels.
Usage: scaling.py PETRAD PYRADIOMICS CASES.csv PARAMS.yaml [--runs 3] [--py-runs 1]
                  [--py-max-levels 256] [--py-max-voxels 50000]"""
import argparse, csv, math, os, statistics, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import run_once

def fit(xs, ys):
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.mean(lx), statistics.mean(ly)
    sxx = sum((x - mx) ** 2 for x in lx)
    return sum((x - mx) * (y - my) for x, y in zip(lx, ly)) / sxx if sxx > 0 else float('nan')

def exponent(points, key, tool):
    pts = [(p[key], p[tool]) for p in points if p.get(tool)]
    if len(pts) < 2:
        return float('nan'), 0
    floor = 3 * min(t for _, t in pts)
    big = [(x, t) for x, t in pts if t >= floor]
    if len(big) < 3:
        big = pts[len(pts) // 2:] if len(pts) >= 4 else pts
    return fit([x for x, _ in big], [t for _, t in big]), len(big)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('petrad'); ap.add_argument('pyradiomics'); ap.add_argument('cases')
    ap.add_argument('params')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--py-runs', type=int, default=1)
    ap.add_argument('--py-max-levels', type=int, default=256,
                    help='PyRadiomics only on cases with at most this many grey levels')
    ap.add_argument('--py-max-voxels', type=int, default=50000,
                    help='PyRadiomics only on cases with at most this many ROI voxels')
    a = ap.parse_args()
    rows = list(csv.DictReader(open(a.cases)))
    series = {}
    for row in rows:
        petrad_cmd = f'{a.petrad} extract {row["image"]} {row["mask"]} --param {a.params} --quiet'
        py_cmd = f'{a.pyradiomics} {row["image"]} {row["mask"]} --param {a.params} -f csv'
        pr, yr = [], []
        py_runs = a.py_runs if (int(row['levels']) <= a.py_max_levels
                                and int(row['voxels']) <= a.py_max_voxels) else 0
        for i in range(max(a.runs, py_runs)):
            if i < a.runs: pr.append(run_once(petrad_cmd))
            if i < py_runs: yr.append(run_once(py_cmd))
        point = {'name': row['name'], 'voxels': int(row['voxels']), 'levels': int(row['levels']),
                 'petrad': statistics.median(r['wall'] for r in pr),
                 'petrad_cpu': statistics.median(r['cpu'] for r in pr),
                 'petrad_mb': statistics.median(r['rss_mb'] for r in pr)}
        if yr:
            point['PyRadiomics'] = statistics.median(r['wall'] for r in yr)
            point['PyRadiomics_cpu'] = statistics.median(r['cpu'] for r in yr)
            point['PyRadiomics_mb'] = statistics.median(r['rss_mb'] for r in yr)
        print(f'  {point}', file=sys.stderr, flush=True)
        series.setdefault(row['series'], []).append(point)
    print('### Scaling (synthetic spheres, all seven 3D classes)\n')
    print(f'petrad median of {a.runs} runs, PyRadiomics median of {a.py_runs} run(s), whole '
          f'processes, interleaved case by case; load average {os.getloadavg()[0]:.1f} at end.\n')
    for name, key, label in (('size', 'voxels', 'ROI voxels (64 grey levels)'),
                             ('levels', 'levels', 'grey levels (sphere of '
                              f'{series.get("levels", [{}])[0].get("voxels", "?")} voxels)')):
        pts = series.get(name, [])
        if not pts: continue
        print(f'| {label} | petrad wall s | petrad cpu s | petrad MB | PyRadiomics wall s |'
              ' PyRadiomics cpu s | PyRadiomics MB | wall ratio |')
        print('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
        for p in pts:
            py = p.get('PyRadiomics')
            print(f'| {p[key]} | {p["petrad"]:.3f} | {p["petrad_cpu"]:.3f} | {p["petrad_mb"]:.1f} | '
                  + (f'{py:.2f} | {p["PyRadiomics_cpu"]:.2f} | {p["PyRadiomics_mb"]:.1f} |'
                     f' {py / p["petrad"]:.1f} |' if py else '- | - | - | - |'))
        for tool in ('petrad', 'PyRadiomics'):
            for figure, what in ((tool + '_cpu', 'cpu time'), (tool, 'wall time')):
                b, n = exponent(pts, key, figure)
                if n:
                    print(f'\n{tool}: {what} grows as {key}^{b:.2f} (least squares on log-log'
                          f' over the {n} cases at >= 3x its smallest time, else the upper half)')
        print()

if __name__ == '__main__':
    main()
