"""YAML as the editions and templates use it, bounded before and while it is parsed.

PyYAML's safe loader builds Python objects only, but it still takes a billion-laughs document
(aliases of aliases: gigabytes once walked), nests without limit (RecursionError), keeps the last
of two equal keys without a word, and turns `!!binary` into bytes. This loader refuses all of
that, each as one error naming the file and the line."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

MAX_BYTES = 1_000_000  # an edition.yaml is a few kilobytes
MAX_ALIASES = 20  # an alias expands its anchor: 20 keep even a crafted document under a few thousand values
MAX_DEPTH = 50


@dataclass
class YamlProblem(Exception):
    message: str
    line: int | None = None
    too_large: bool = False


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YamlProblem(f"more than {MAX_ALIASES} aliases (*name): refused as a possible "
                                  "billion-laughs document", self.peek_event().start_mark.line + 1)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark.line + 1)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlProblem("a key that is a list or mapping", key_node.start_mark.line + 1) from None
            if key in seen:
                raise YamlProblem(f"key '{key}' is given twice (lines {seen[key]} and {key_node.start_mark.line + 1}); "
                                  "the first value would be lost", key_node.start_mark.line + 1)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _refuse_binary(loader, node):
    raise YamlProblem("a !!binary value: write text", node.start_mark.line + 1)


_BoundedLoader.add_constructor("tag:yaml.org,2002:binary", _refuse_binary)


def load(text: str) -> object:
    """Parse YAML text; raises YamlProblem for what the loader refuses, yaml.YAMLError for syntax."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlProblem(f"the file is larger than {MAX_BYTES // 1_000_000} MB", None, too_large=True)
    return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 (a SafeLoader subclass)


def key_lines(text: str) -> dict[tuple, int]:
    """The line of every key and list item, by path (('blocks', 'praxis', 'title'), ('chapters', 0)),
    for findings about a value the loader accepted. Parsed only when there is something to report."""
    try:
        loader = _BoundedLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except (yaml.YAMLError, YamlProblem):
        return {}
    lines: dict[tuple, int] = {}
    seen: set[int] = set()

    def walk(node, path: tuple) -> None:
        if id(node) in seen:  # an alias: its anchor's lines are already known
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    lines[(*path, key.value)] = key.start_mark.line + 1
                    walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for n, item in enumerate(node.value):
                lines[(*path, n)] = item.start_mark.line + 1
                walk(item, (*path, n))
    if root is not None:
        walk(root, ())
    return lines
