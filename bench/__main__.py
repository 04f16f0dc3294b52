"""``python -m bench <scenario> [options]``: one JSON line per figure on standard output, each with its
baseline from the same run (bench/README.md). Needs DATABASE_URL pointing at a scratch PostgreSQL
database whose name starts with ``bench``.

Scenarios: views, generate, credit-check, transitions, fanout, import, dashboard, deadline-scan,
http (locust against gunicorn on loopback), all (every one, at the sizes given).
"""
import argparse

SCENARIOS = ["views", "generate", "credit-check", "transitions", "fanout", "import", "dashboard", "deadline-scan", "http", "all"]


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--subjects", type=int, default=100_000, help="generate: subjects (10 M: 10000000)")
    parser.add_argument("--cases", type=int, default=20_000, help="generate: cases with their pushes (10 M subjects: 1000000)")
    parser.add_argument("--requests", type=int, default=500, help="credit-check and the baselines: timed requests")
    parser.add_argument("--transition-cases", type=int, default=30, help="transitions: cases taken through their four moves")
    parser.add_argument("--fanout-cases", type=int, default=20)
    parser.add_argument("--fanout-persons", type=int, default=50, help="fanout: responsible persons per company in the wide run")
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--http-seconds", type=int, default=30, help="http: locust's run time (bounded)")
    parser.add_argument("--http-users", type=int, default=8)
    parser.add_argument("--http-workers", type=int, default=2, help="http: gunicorn workers")
    return parser.parse_args()


def main():
    args = parse_args()
    from bench import harness

    harness.prepare()
    from bench import generate, http_load, scenarios

    wanted = SCENARIOS[:-1] if args.scenario == "all" else [args.scenario]
    for name in wanted:
        harness.note(f"--- {name}")
        if name == "views":
            scenarios.views(args.requests)
        elif name == "generate":
            generate.generate(args.subjects, args.cases)
        elif name == "credit-check":
            scenarios.credit_check(args.requests)
        elif name == "transitions":
            scenarios.transitions(args.transition_cases)
        elif name == "fanout":
            scenarios.fanout(args.fanout_cases)
            scenarios.fanout(max(args.fanout_cases // 4, 1), persons=args.fanout_persons)
        elif name == "import":
            scenarios.import_(args.import_rows)
        elif name == "dashboard":
            scenarios.dashboard()
        elif name == "deadline-scan":
            scenarios.deadline_scan()
        elif name == "http":
            http_load.run(seconds=args.http_seconds, users=args.http_users, workers=args.http_workers)


if __name__ == "__main__":
    main()
