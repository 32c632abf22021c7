"""Handlers that only serve the site's public assets: the UI build, the public folder, the favicon and logo.

A route that answers a file from a folder named for what every visitor's browser loads (`public_dir`,
`build_dir / "assets"`, `"frontend", "dist"`) serves no one's data, so a missing login guard is no finding.
A file chosen by who or what it belongs to (`PrivateUser.get_directory(user_id)`,
`Recipe.directory_from_id(recipe_id)`), an upload, media or an export is not an asset and stays: any such word
in the handler's code keeps it out. The docstring is prose, not code, and is not read.
"""

from __future__ import annotations

import ast

from ...checks.lazy_re import re  # compiled on first use

# Calls that answer a request with a file's bytes (Starlette/FastAPI, Flask, Bottle).
FILE_RESPONSES = frozenset({"FileResponse", "send_file", "send_from_directory", "send_static_file", "static_file"})
# Words of a folder or file every visitor's browser loads.
_ASSET_WORDS = frozenset({"public", "static", "assets", "asset", "build", "dist", "frontend", "favicon", "logo",
                          "icons", "webroot", "www"})
# Words of files that belong to someone or hold stored data.
_PRIVATE = re.compile(r"(?i)upload|private|attach|document|download|export|backup|secret|session|owner|profile"
                      r"|(^|_)media(_(root|dir|path|url|folder))?$|(^|_)users?(_|$)|^user|_?id$|^pk$|from_id")
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def served_asset(func: ast.FunctionDef | ast.AsyncFunctionDef, own: list[ast.AST], served: str) -> str | None:
    """What the handler serves, when it only serves public assets ("favicon files by FileResponse()"), or
    None. `own` is the function's own nodes (memoised by the context); `served` the file-answering call the
    function makes, found by the facts walk, so only handlers that answer files are read again."""
    if served == "send_static_file":
        return "the app's static folder by send_static_file()"  # Flask's static folder, nothing else
    found: set[str] = set()
    first = func.body[0] if func.body else None
    doc = first.value if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) else None
    for node in own:
        if node is doc:
            continue
        if isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            text = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
            text = node.value
        else:
            continue
        if _PRIVATE.search(text):
            return None
        found.update(w.lower() for w in _WORD.findall(text))
    words = sorted(found & _ASSET_WORDS)
    return f"{words[0]} files by {served}()" if words else None


def catch_all(path: str) -> bool:
    """`/{full_path:path}`, `/<path:path>`: the route takes every path not matched before it (a single-page
    app's index, served for the client-side router)."""
    return bool(re.fullmatch(r"/?(\{\w+:path\}|<path:\w+>)/?", path.strip()))
