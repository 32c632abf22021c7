"""yaml.safe_load for YAML from the scanned repository (agent front matter), with limits.

safe_load constructs no objects, but aliases still expand: nine anchors of nine aliases each (a 463-byte
"billion laughs") are a 10^9-node document to anything that walks it, and an alias inside its own anchor
is a cycle. PyYAML's composer and constructor are recursive, so deep nesting ends in RecursionError.
This loader counts depth while composing, then measures the document's expanded size over the node graph
(shared nodes counted each time they are reached) before constructing it.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 32
MAX_NODES = 20_000
MAX_ALIASES = 100


class YAMLLimitError(yaml.YAMLError):
    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = None


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YAMLLimitError(f"more than {MAX_ALIASES} aliases")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YAMLLimitError(f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _check_expanded_size(node)
        return self.construct_document(node)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_expanded_size(root: yaml.Node) -> None:
    """Size of the document with every alias expanded, without expanding it: memoised post-order walk."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in _children(node))
            if size[key] > MAX_NODES:
                raise YAMLLimitError(f"aliases expand it to more than {MAX_NODES} nodes")
            continue
        if key in size:
            continue
        if key in on_path:
            raise YAMLLimitError("an alias refers to a node that contains it")
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise YAMLLimitError("an alias refers to a node that contains it")
            if id(child) not in size:
                stack.append((child, False))


def load(text: str) -> Any:
    """yaml.safe_load(text) within the limits above; a limit raises YAMLLimitError (a yaml.YAMLError)."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise YAMLLimitError("nested too deeply") from None
    finally:
        loader.dispose()
