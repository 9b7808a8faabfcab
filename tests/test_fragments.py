"""`{% cache key %}`: a fragment rendered once per key object and place, its HTML reused."""

from __future__ import annotations

import re
import shutil

from jinja2 import DictLoader, Environment

from bench.corpus import write_content_corpus
from conftest import REPO, make_project, snapshot
from digest import fragments
from digest.config import load_config
from digest.fragments import FragmentCache
from digest.render import build_site


class Counted:
    """A key whose fragment counts how often it is rendered."""

    def __init__(self, name: str):
        self.name, self.renders = name, 0

    def render(self) -> str:
        self.renders += 1
        return self.name


def environment(**templates: str) -> Environment:
    return Environment(loader=DictLoader(templates), extensions=[FragmentCache], autoescape=True)


def test_a_fragment_is_rendered_once_per_key_and_place():
    one, other = Counted("<一>"), Counted("二")
    env = environment(page="{% for k in keys %}{% cache k %}[{{ k.render() }}]{% endcache %}{% endfor %}"
                            "{% cache keys[0] %}({{ keys[0].render() }}){% endcache %}")
    page = env.get_template("page")
    assert page.render(keys=[one, other, one]) == "[&lt;一&gt;][二][&lt;一&gt;](&lt;一&gt;)"
    assert page.render(keys=[one]) == "[&lt;一&gt;](&lt;一&gt;)"  # the same objects: nothing rendered again
    assert (one.renders, other.renders) == (2, 1)  # once in each of the two places
    equal = Counted("<一>")  # an equal key, another object: rendered for itself
    assert page.render(keys=[equal]) == "[&lt;一&gt;](&lt;一&gt;)" and equal.renders == 2


def test_the_cache_keeps_at_most_its_bound_and_forgets_the_oldest(monkeypatch):
    monkeypatch.setattr(fragments, "FRAGMENTS", 3)
    keys = [Counted(str(number)) for number in range(5)]
    page = environment(page="{% for k in keys %}{% cache k %}{{ k.render() }}{% endcache %}{% endfor %}").get_template("page")
    assert page.render(keys=keys) == "01234"
    assert page.render(keys=keys[2:]) == "234" and [key.renders for key in keys] == [1, 1, 1, 1, 1]
    page.render(keys=keys[:1])
    assert keys[0].renders == 2  # forgotten, so rendered again


def test_the_shipped_templates_build_the_same_site_without_their_cache_tags(tmp_path):
    """The fragments they cache depend on their keys only: a site of 150 articles, built with
    two workers (each with its own cache), is byte for byte the site built without caching."""
    config = load_config(make_project(tmp_path / "cached") / "config.yaml").with_overrides(search=False)
    write_content_corpus(config.dir("content"), 150)
    plain = tmp_path / "plain-templates"
    shutil.copytree(REPO / "templates", plain)
    for template in plain.iterdir():
        source = template.read_text(encoding="utf-8")
        template.write_text(re.sub(r"\{%-? (cache [^%]*|endcache) -?%\}\n?", "", source), encoding="utf-8")
    assert "{% cache" not in "".join(path.read_text(encoding="utf-8") for path in plain.iterdir())
    build_site(config, jobs=2)
    uncached = config.with_overrides(paths={**config["paths"], "templates": str(plain),
                                            "site": str(tmp_path / "plain-site"), "cache": str(tmp_path / "plain-cache")})
    build_site(uncached, jobs=2)
    assert snapshot(config.dir("site")) == snapshot(tmp_path / "plain-site")
