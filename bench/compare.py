#!/usr/bin/env python3
"""Times commands against each other, interleaved (A B C A B C ...), each as one child process.

Each run is started with posix_spawn and reaped with wait4 (the same call GNU time makes): wall
seconds are measured around it with perf_counter (GNU time's clock has 10 ms steps, too coarse
for a 0.1 s command), user+sys CPU seconds and peak memory (ru_maxrss: the largest single process
of the run, as GNU time's "Maximum resident set size") come from its rusage. A command with
shell syntax runs through sh. After the warm-up rounds (not counted) every command runs
--runs times; medians are printed, and for every other command the ratios to the first command
pair by pair (its time / first's time, first's memory / its memory), with their median.
The machine's load average at the start and end is printed too (a shared machine is noisy).

Usage: compare.py --title T [--runs N] [--warmup W] [--json OUT.json] NAME=CMD [NAME=CMD ...]
A command's exit status other than 0 is reported and the benchmark stops (exit 1)."""
import argparse, json, os, re, shlex, statistics, sys, tempfile, time

def run_once(cmd):
    # Without shell syntax the command is started directly, so nothing but the command is
    # timed; with it, through sh.
    argv = ['sh', '-c', cmd] if re.search(r'[|&;<>()$`\\*?"\']', cmd) else shlex.split(cmd)
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, errors.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            sys.stderr.write(errors.read()[-3000:].decode(errors='replace'))
            raise SystemExit(f'compare.py: command failed (exit {code}): {cmd}')
    return {'wall': seconds, 'cpu': usage.ru_utime + usage.ru_stime,
            'rss_mb': usage.ru_maxrss / 1024}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--title', required=True)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--json')
    ap.add_argument('commands', nargs='+', help='NAME=CMD')
    a = ap.parse_args()
    named = [c.split('=', 1) for c in a.commands]
    load0 = os.getloadavg()[0]
    results = {name: [] for name, _ in named}
    for round_ in range(a.warmup + a.runs):
        for name, cmd in named:
            r = run_once(cmd)
            if round_ >= a.warmup:
                results[name].append(r)
            tag = 'warm-up' if round_ < a.warmup else f'run {round_ - a.warmup + 1}'
            print(f'  {tag:8} {name:28} {r["wall"]:9.3f} s wall {r["cpu"]:9.2f} s cpu '
                  f'{r["rss_mb"]:9.1f} MB', file=sys.stderr, flush=True)
    load1 = os.getloadavg()[0]
    first = named[0][0]
    med = lambda xs: statistics.median(xs)
    print(f'### {a.title}\n')
    print(f'{a.runs} interleaved runs after {a.warmup} warm-up; load average {load0:.1f} at start,'
          f' {load1:.1f} at end ({os.cpu_count()} cores).\n')
    print('| command | wall s (median) | wall s (min-max) | cpu s (median) | peak MB (median) |'
          f' time / {first} (median of pairs) | peak memory {first} / it |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
    summary = {'title': a.title, 'runs': a.runs, 'load': [load0, load1], 'commands': {}}
    for name, cmd in named:
        rs = results[name]
        walls = [r['wall'] for r in rs]
        ratio = med([r['wall'] / f['wall'] for r, f in zip(rs, results[first])])
        mem = med([f['rss_mb'] / r['rss_mb'] for r, f in zip(rs, results[first])])
        print(f'| {name} | {med(walls):.3f} | {min(walls):.3f}-{max(walls):.3f} |'
              f' {med([r["cpu"] for r in rs]):.3f} | {med([r["rss_mb"] for r in rs]):.1f} |'
              f' {ratio:.2f} | {mem:.3f} |')
        summary['commands'][name] = {'cmd': cmd, 'runs': rs, 'median_wall': med(walls),
                                     'ratio_wall_to_first': ratio, 'ratio_mem_first_to_it': mem,
                                     'median_rss_mb': med([r['rss_mb'] for r in rs])}
    print('\nCommands:\n')
    for name, cmd in named:
        print(f'- {name}: `{cmd}`')
    print()
    if a.json:
        with open(a.json, 'w') as f: json.dump(summary, f, indent=1)

if __name__ == '__main__':
    main()
