#!/usr/bin/env python3
"""digest command line: ingest raw seeds, build the site, check it, preview it.

    python build.py                 ingest seeds/ into content/, then build site/
    python build.py ingest [--force]
    python build.py build [--base-url URL] [--drafts] [--full] [--jobs N]
    python build.py check
    python build.py new "标题"
    python build.py issue new
    python build.py rename OLD-SLUG NEW-SLUG
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
    ingest = commands.add_parser("ingest", help="clean every raw file in seeds/ into content/<slug>.md")
    ingest.add_argument("--force", action="store_true", help="re-ingest even content files the curator edited")
    build = commands.add_parser("build", parents=[per_command], help="render content/ into the static site in site/")
    build.add_argument("--full", action="store_true",
                       help="write every file again instead of only what changed since the last build")
    build.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="worker processes for a big build (default: one per core; 1: none)")
    commands.add_parser("check", parents=[per_command],
                        help="validate content files and the links of the site built with the same --base-url")
    new = commands.add_parser("new", help="start a new draft article in content/")
    new.add_argument("title", help="the article's title, e.g. \"基层治理新探索\"")
    issue = commands.add_parser("issue", help="numbered issues of the digest, in issues/")
    issue.add_argument("action", choices=["new"],
                       help="new: start the next issue, a draft listing the articles dated after the last one")
    rename = commands.add_parser("rename", help="give an article a new slug; its old address redirects to it")
    rename.add_argument("old", metavar="OLD", help="the article's slug now")
    rename.add_argument("new", metavar="NEW", help="its new slug (lower-case ASCII letters, digits and -)")
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
        status |= run_ingest(config, force=getattr(args, "force", False))
    if args.command in (None, "build"):
        status |= run_build(config, drafts=args.drafts, full=getattr(args, "full", False),
                            jobs=getattr(args, "jobs", None))
    if args.command == "check":
        status |= run_check(config)
    if args.command == "new":
        status |= run_new(config, args.title)
    if args.command == "issue":
        status |= run_new_issue(config)
    if args.command == "rename":
        status |= run_rename(config, args.old, args.new)
    if args.command == "serve":
        status |= run_serve(args, config)
    return status


def run_ingest(config, force: bool) -> int:
    from digest.intake.ingest import ingest

    report = ingest(config, force=force)
    for result in report.results:
        where = result.path.relative_to(config.root) if result.path else ""
        print(f"{result.status:<14} {result.seed} -> {where}" if not result.error
              else f"{result.status:<14} {result.error}")
        for note in result.review:
            print(f"{'':<15}review: {note}")
    print(f"ingest: {len(report.results)} seeds, {len(report.failed)} failed")
    return 1 if report.failed else 0


def run_build(config, drafts: bool, full: bool = False, jobs: int | None = None) -> int:
    from digest.render import build_site

    report = build_site(config, drafts=drafts, jobs=jobs, full=full)
    print(f"build: {report}")
    return 0


def run_check(config) -> int:
    from digest.authoring import check_project

    errors, notes = check_project(config)
    for line in notes + errors:
        print(line)
    print(f"check: {len(errors)} error(s), {len(notes)} review note(s)")
    return 1 if errors else 0


def run_new(config, title: str) -> int:
    from digest.authoring import new_article

    path = new_article(config, title)
    print(f"created {Path(path).relative_to(config.root)}")
    return 0


def run_new_issue(config) -> int:
    from digest.curate import new_issue

    path, last, articles = new_issue(config)
    since = f" (added since issue {last.number} of {last.date.isoformat()})" if last else ""
    print(f"created {Path(path).relative_to(config.root)}: a draft issue of {len(articles)} article(s){since}")
    for article in articles:
        print(f"  {article.slug}  {article.date.isoformat() if article.date else '(undated)'}  {article.title}")
    print("edit its title and introduction, order its articles, then set draft: false")
    return 0


def run_rename(config, old: str, new: str) -> int:
    from digest.curate import rename_article

    for change in rename_article(config, old, new):
        print(change)
    return 0


def run_serve(args: argparse.Namespace, config) -> int:
    from digest.serve import serve

    def reload():  # config.yaml changed: read it again, keeping the command line's --base-url
        return load_config(args.config).with_overrides(base_url=args.base_url)

    return serve(config, args.host, args.port, drafts=args.drafts, reload=reload)


if __name__ == "__main__":
    sys.exit(main())
