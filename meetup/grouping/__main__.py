"""Command line: ``python -m meetup.grouping solve|score ...`` as described in FORMAT.md.

Bad input of any kind ends with exit status 2 and one line on standard error, never a traceback.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from typing import NoReturn

from meetup.grouping.errors import GroupingError
from meetup.grouping.instance import load_instance, read_json
from meetup.grouping.scoring import check_seating, score_seating
from meetup.grouping.solution import seating_from_json
from meetup.grouping.solver import solve

EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "solve":
            solution = solve(load_instance(args.instance), time_limit=args.time_limit, seed=args.seed)
            json.dump(solution.to_json(), sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            instance = load_instance(args.instance)
            seating = seating_from_json(instance, read_json(args.solution, what="solution"))
            check_seating(instance, seating)
            result = score_seating(instance, seating)
            if args.breakdown:
                json.dump({"score": result.total, "breakdown": result.breakdown()}, sys.stdout)
                sys.stdout.write("\n")
            else:
                print(result.total)
    except GroupingError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line too, like every other error here."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="python -m meetup.grouping", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    solve_command = commands.add_parser("solve", help="print the best seating found, as JSON")
    solve_command.add_argument("instance", help="instance JSON file")
    solve_command.add_argument("--time-limit", type=_positive_seconds, default=2.0, metavar="S")
    solve_command.add_argument("--seed", type=int, default=0, metavar="N")
    score_command = commands.add_parser("score", help="print the score of a solution")
    score_command.add_argument("instance", help="instance JSON file")
    score_command.add_argument("solution", help="solution JSON file")
    score_command.add_argument("--breakdown", action="store_true", help="print the score and its breakdown as JSON")
    return parser


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"the time limit must be a positive number of seconds, got {text}")
    return seconds


if __name__ == "__main__":
    sys.exit(main())
