"""``inspector samples list`` and ``inspector samples build DIR [NAMES]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from inspector.training import scenarios


def add_parsers(commands: Any) -> None:
    sample = commands.add_parser("samples", help="list or build the training sample bundles")
    sample_commands = sample.add_subparsers(dest="samples_command", metavar="ACTION",
                                            required=True)
    sample_commands.add_parser("list", help="list the scenarios")
    build = sample_commands.add_parser("build", help="write DIR/<name>.zip and "
                                                     "DIR/<name>.answer.json")
    build.add_argument("directory", type=Path)
    build.add_argument("names", nargs="*", help="scenarios to build (default: all)")


def samples_command(args: argparse.Namespace) -> int:
    if args.samples_command == "list":
        for scenario in scenarios.catalogue():
            print(f"{scenario.name:<28} {scenario.difficulty:<7} {scenario.title}")
        return 0
    names = args.names or list(scenarios.CATALOGUE)
    unknown = [n for n in names if n not in scenarios.CATALOGUE]
    if unknown:
        print(f"inspector: unknown scenario(s): {', '.join(unknown)} "
              "(see `inspector samples list`)", file=sys.stderr)
        return 2
    for name in names:
        bundle, answer = scenarios.build(name, args.directory)
        print(f"{bundle}\n{answer}")
    return 0
