#!/usr/bin/env python3
"""digest command line: ingest raw seeds, build the site, check it, preview it.

    python build.py                 ingest seeds/ into content/, then build site/
    python build.py ingest [SEED...] [--force] [--restore SEED] [-v]
    python build.py reject SLUG-or-SEED...
    python build.py review
    python build.py build [--base-url URL] [--drafts] [--full] [--jobs N]
    python build.py check [--strict]
    python build.py new "标题"
    python build.py serve [--port 8000] [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from digest.config import load_config
from digest.errors import DigestError


def site_options(**defaults) -> argparse.ArgumentParser:
    """--base-url and --drafts, accepted before or after the command."""
    options = argparse.ArgumentParser(add_help=False, **defaults)
    options.add_argument("--base-url", help="site URL or path prefix, e.g. https://user.github.io/digest/")
    options.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    return options


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    # After the command the options must not reset what was given before it.
    per_command = site_options(argument_default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="build.py", parents=[site_options()], description="Turn scraped Chinese articles into a curated static site.",
        epilog="With no command: ingest, then build.")
    parser.add_argument("--config", default="config.yaml", help="settings file (default: config.yaml)")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ingest = commands.add_parser("ingest", help="clean the raw files in seeds/ into content/<slug>.md")
    ingest.add_argument("seeds", nargs="*", metavar="SEED",
                        help="only these seeds (a seed's file name, or its article's slug); default: all")
    ingest.add_argument("--force", action="store_true",
                        help="re-ingest edited articles too (each edited file is saved in content/.replaced/ first)")
    ingest.add_argument("--restore", action="append", default=[], metavar="SEED",
                        help="take back a rejected, duplicate or merged seed as an article of its own")
    ingest.add_argument("-v", "--verbose", action="store_true", help="a line for every seed, not only what changed")
    reject = commands.add_parser("reject", help="keep a seed out for good: delete its article, record the decision")
    reject.add_argument("targets", nargs="+", metavar="SLUG-or-SEED",
                        help="an article's slug or file (content/x.md), or a seed's file name")
    commands.add_parser("review", help="list every open review note as content/x.md:LINE: note")
    build = commands.add_parser("build", parents=[per_command], help="render content/ into the static site in site/")
    build.add_argument("--full", action="store_true",
                       help="write every file again instead of only what changed since the last build")
    build.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="worker processes for a big build (default: one per core; 1: none)")
    check = commands.add_parser("check", parents=[per_command],
                                help="validate content files and the links of the site built with the same --base-url")
    check.add_argument("--strict", action="store_true",
                       help="also fail on seeds not ingested and on open review notes (for CI)")
    new = commands.add_parser("new", help="start a new draft article in content/")
    new.add_argument("title", help="the article's title, e.g. \"基层治理新探索\"")
    serve = commands.add_parser("serve", parents=[per_command],
                                help="build, preview the site locally, rebuild and reload the browser on save")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = load_config(args.config).with_overrides(base_url=args.base_url)
        return run(args, config)
    except DigestError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run(args: argparse.Namespace, config) -> int:
    status = 0
    if args.command in (None, "ingest"):
        status |= run_ingest(config, force=getattr(args, "force", False), only=tuple(getattr(args, "seeds", ())),
                             restore=tuple(getattr(args, "restore", ())), verbose=getattr(args, "verbose", False))
    if args.command == "reject":
        status |= run_reject(config, args.targets)
    if args.command == "review":
        status |= run_review(config)
    if args.command in (None, "build"):
        status |= run_build(config, drafts=args.drafts, full=getattr(args, "full", False),
                            jobs=getattr(args, "jobs", None))
    if args.command == "check":
        status |= run_check(config, strict=args.strict)
    if args.command == "new":
        status |= run_new(config, args.title)
    if args.command == "serve":
        status |= run_serve(args, config)
    return status


def run_ingest(config, force: bool, only: tuple[str, ...] = (), restore: tuple[str, ...] = (),
               verbose: bool = False) -> int:
    from digest.intake.ingest import ingest

    report = ingest(config, force=force, only=only, restore=restore)
    for line in report.lines(config.root, verbose=verbose):
        print(line)
    return 1 if report.failed else 0


def run_reject(config, targets: list[str]) -> int:
    from digest.intake.reject import reject

    for line in reject(config, targets):
        print(line)
    return 0


def run_review(config) -> int:
    from digest.authoring import review_notes

    errors, notes = review_notes(config)
    for line in notes + errors:
        print(line)
    print(f"review: {len(notes)} open note(s)" + (f", {len(errors)} file(s) not readable" if errors else ""))
    return 1 if errors else 0


def run_build(config, drafts: bool, full: bool = False, jobs: int | None = None) -> int:
    from digest.render import build_site

    report = build_site(config, drafts=drafts, jobs=jobs, full=full)
    print(f"build: {report}")
    return 0


def run_check(config, strict: bool = False) -> int:
    from digest.authoring import check_project, unreviewed

    errors, notes = check_project(config)
    pending = unreviewed(config, notes)
    for line in notes + errors + pending:
        print(line)
    print(f"check: {len(errors)} error(s), {len(notes)} review note(s)"
          + (" (--strict: seeds not ingested and open review notes fail the check)" if strict and pending else ""))
    return 1 if errors or (strict and pending) else 0


def run_new(config, title: str) -> int:
    from digest.authoring import new_article

    path = new_article(config, title)
    print(f"created {Path(path).relative_to(config.root)}")
    return 0


def run_serve(args: argparse.Namespace, config) -> int:
    from digest.serve import serve

    def reload():  # config.yaml changed: read it again, keeping the command line's --base-url
        return load_config(args.config).with_overrides(base_url=args.base_url)

    return serve(config, args.host, args.port, drafts=args.drafts, reload=reload)


if __name__ == "__main__":
    sys.exit(main())
