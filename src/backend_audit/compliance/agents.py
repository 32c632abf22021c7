"""Read agent files (markdown with YAML front matter) and extract their checklist items (catalog §7.1).

Line based and forgiving: a file that is not what we expect yields warnings and whatever items can be
found, never an exception. Items keep the heading chain they sit under, so the report reads like the
agent's own checklist.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import field
from pathlib import Path
from typing import Any

from ..catalog import yaml_errors
from ..records import dataclass
from ..untrusted import user_cache
from ..untrusted.files import InputError, inside

MAX_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 2000
MAX_ITEM_CHARS = 400
AGENT_SUFFIXES = (".md", ".markdown", ".txt")

_TASK = re.compile(r"^\s*[-*+]\s+\[(?: |x|X)\]\s+(?P<text>.+)$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?P<text>.+)$")
_PLAIN_BULLET = re.compile(r"^\s*[-*+]\s+(?P<text>.+)$")
# `**Label** - detail`, `**Label**: detail`, and `**Label:** detail` (colon inside the bold).
_BOLD = re.compile(r"^\*\*(?P<label>[^*]+?)\*\*\s*[-:\u2013\u2014]\s*(?P<detail>.+)$")
_BOLD_COLON_IN = re.compile(r"^\*\*(?P<label>[^*]+?):\*\*\s*(?P<detail>.+)$")
_GROUP = re.compile(r"^\*\*(?P<label>[^*]+?):?\*\*:?$")
_LABEL = re.compile(r"^(?P<title>[A-Z][^:\n]{2,80}):\s*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_PIN = re.compile(r"<!--\s*backend-audit:\s*(?P<keys>[^>]*?)\s*-->")
_COMMENT = re.compile(r"<!--.*?-->")
# A percentage next to "coverage" in one clause is its minimum, however it is worded: "> 80% test coverage",
# "coverage stays above 90%", "at least 85 % code coverage", "90%+ coverage", "coverage >= 75%".
_THRESHOLD = re.compile(
    r"(?P<op>[<>]=?|\u2265)?\s*(?P<num>\d+(?:\.\d+)?)\s*%\s*\+?\s*(?:(?:test|code|line|branch|unit[- ]test)\s+)?coverage"
    r"|coverage\b[^.;\n%]{0,40}?(?P<op2>[<>]=?|\u2265)?\s*(?P<num2>\d+(?:\.\d+)?)\s*%", re.I)
_NUMBER = re.compile(r"[<>]=?\s*\d+(?:\.\d+)?\s*(?:%|ms|s\b|x\b)|\d+(?:\.\d+)?\s*%\+?")

# Headings whose bullets are checklist items (and their sub-headings, unless those are ignored).
PRACTICE = re.compile(
    r"(?i)(checklist|quality standards|best practices|security|database management|migration|error handling"
    r"|monitoring|observability|performance|api design|testing|success metrics|reliability|caching"
    r"|development practices|development workflow)")
# Sections about the agent's relations, never the code: nothing under them is an item, sub-headings included.
HARD_IGNORE = re.compile(
    r"(?i)(related agents|collaborat|integration with other agents|coordination|hand-?offs?\b|escalation"
    r"|invocation|invoked|triggers?\b|context keywords|communication|output format|always provide)")
# Sections that list technologies or the agent's activities: no items, unless a sub-heading is a practice.
SOFT_IGNORE = re.compile(
    r"(?i)(technolog(y|ies)|frameworks?\b|languages?\b|tool suite|\btools?\b|ecosystem|expertise|capabilit"
    r"|knowledge areas|purpose|decision framework|responsibilities|tasks\b|process\b|approach\b)")


@dataclass
class Item:
    """One checklist item of an agent file."""
    text: str
    section: str
    line: int
    shape: str  # task | label | practice | bold
    weight: float = 1.0
    pins: tuple[str, ...] = ()  # keys pinned inline; ("ignore",) drops the item
    threshold: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()  # numbers the item states that no rule reads (< 200ms, 99.9%)
    also_in: list[str] = field(default_factory=list)


@dataclass
class AgentFile:
    """An agent file: its front matter and checklist items."""
    path: str
    name: str
    description: str
    front_matter: dict[str, Any]
    items: list[Item]
    warnings: list[str] = field(default_factory=list)

    @property
    def settings(self) -> dict[str, Any]:
        """Settings the file states: `tests.coverage_min` from an item like '> 80% test coverage'."""
        out: dict[str, Any] = {}
        for item in self.items:
            if item.threshold:
                out.setdefault("tests.coverage_min", item.threshold["value"])
        return out


# --------------------------------------------------------------------------------------------- text


def decode(data: bytes) -> str:
    """UTF-8 (BOM stripped) with undecodable bytes replaced; CRLF/CR to LF; tabs to spaces."""
    text = data.decode("utf-8-sig", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252/cp1254 (`ğŸ¯ Core` -> `🎯 Core`) when that round-trips cleanly."""
    if text.isascii():
        return text
    for enc in ("cp1252", "cp1254", "latin-1"):
        try:
            fixed = text.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(fixed) < len(text):
            return fixed
    return text


_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")


def _strip_markup(text: str) -> str:
    text = _COMMENT.sub("", text)
    # links -> their text. No brackets inside the text and no parentheses inside the target: with them,
    # a line of 40,000 '[' took seconds (each '[' scanned to the far ']'); without, it is linear.
    text = _LINK.sub(r"\1", text)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    return " ".join(text.split())


def normalise_heading(text: str) -> str:
    """Heading text without leading emoji, mis-decoded bytes, markup or punctuation."""
    text = _strip_markup(repair_mojibake(text))
    start = 0
    while start < len(text) and unicodedata.category(text[start])[0] not in "LN":
        start += 1
    text = text[start:]
    # A leading word with no ASCII letter that survived repair is still mojibake ("ğŸ" after a bad cut).
    head, _, rest = text.partition(" ")
    if rest and not re.search(r"[A-Za-z0-9]", head) and re.match(r"[A-Za-z0-9]", rest):
        text = rest
    return text.strip(" :-\u2013\u2014#")


# --------------------------------------------------------------------------------------------- front matter


@functools.lru_cache(maxsize=1)
def _front_matter_memo() -> user_cache.Memo:
    """Parsed front matter by the digest of its text, per PyYAML installation and limits: the bundled agents'
    (read on every scan) then cost neither yaml's import nor its pure-Python bounded loader."""
    limits = Path(__file__).resolve().parent.parent / "untrusted" / "yaml_limits.py"
    yaml_digest = user_cache.package_digest("yaml")
    try:
        digest = user_cache.files_digest([limits], f"front matter 1 {yaml_digest}") if yaml_digest else None
    except OSError:
        digest = None
    return user_cache.Memo(f"front-matter-{digest}.json" if digest else None, max_entries=64)


def _load_front_matter(raw: str) -> Any:
    def parse() -> Any:
        from ..untrusted import yaml_limits  # imports yaml: only for front matter not parsed before

        return yaml_limits.load(raw)

    return _front_matter_memo().get(hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest(), parse)


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int, list[str]]:
    """(front matter, body, line number where the body starts, warnings). Never raises."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1, ["no front matter (expected '---' on the first line); name taken from the file name"]
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            raw = "\n".join(lines[1:i])
            body = "\n".join(lines[i + 1:])
            try:
                data = _load_front_matter(raw) if raw.strip() else {}
            except yaml_errors() as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f" at line {mark.line + 2}" if mark is not None else ""
                problem = getattr(exc, "problem", None) or "invalid YAML"
                return {}, body, i + 2, [f"front matter is not valid YAML{where} ({problem}); ignored"]
            if data is None:
                data = {}
            if not isinstance(data, dict):
                return {}, body, i + 2, ["front matter is not a mapping; ignored"]
            return data, body, i + 2, []
    return {}, text, 1, ["front matter is not closed (no second '---' line); read the file as plain markdown"]


# --------------------------------------------------------------------------------------------- body


@dataclass
class _Section:
    """A heading of an agent file, and whether its items are practices to check."""
    level: int
    title: str
    mode: str  # practice | hard (ignored with its sub-headings) | soft (ignored unless a practice) | neutral


def _mode(title: str, parent: str) -> str:
    if parent == "hard" or HARD_IGNORE.search(title):
        return "hard"
    if PRACTICE.search(title):
        return "practice"
    if SOFT_IGNORE.search(title):
        return "soft"
    return parent


def _item_text(raw: str) -> tuple[str, str]:
    """(text for the report, shape hint) from a bullet's content."""
    for pattern in (_BOLD_COLON_IN, _BOLD):
        m = pattern.match(raw.strip())
        if m:
            label, detail = _strip_markup(m["label"]), _strip_markup(m["detail"])
            return f"{label}: {detail}", "bold"
    return _strip_markup(raw), ""


def _notes(text: str) -> tuple[dict[str, Any] | None, tuple[str, ...]]:
    threshold = None
    m = _THRESHOLD.search(text)
    if m:
        op = (m["op"] or m["op2"] or ">=").replace("\u2265", ">=")
        threshold = {"key": "tests.coverage_min", "op": op, "value": float(m["num"] or m["num2"])}
    notes = tuple(n.strip() for n in _NUMBER.findall(text) if not (m and n.strip() in m.group(0)))
    return threshold, notes


def parse_body(body: str, first_line: int = 1) -> tuple[list[Item], list[str]]:
    items: list[Item] = []
    warnings: list[str] = []
    stack: list[_Section] = []
    in_fence = in_comment = False
    label: tuple[str, float, str] | None = None  # (title, weight, mode) of an open `Label:` block
    group: tuple[int, str] | None = None  # (indent, label) of a bullet that is only a bold label
    lines = body.split("\n")
    # A lone `# Title` names the document; leaving it out keeps section paths short.
    single_title = sum(1 for ln in lines if ln.startswith("# ")) == 1
    for offset, line in enumerate(lines):
        lineno = first_line + offset
        stripped = line.strip()
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if in_comment:
            if "-->" in line:
                in_comment = False
            continue
        if stripped.startswith("<!--") and "-->" not in stripped:
            in_comment = True
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading["hashes"])
            while stack and stack[-1].level >= level:
                stack.pop()
            title = normalise_heading(heading["text"])
            stack.append(_Section(level, title, _mode(title, stack[-1].mode if stack else "neutral")))
            label = group = None
            continue
        if not stripped:
            label = None
            continue
        if stripped.startswith(("|", ">")):  # tables and quoted prose are never items
            label = None
            continue
        section_mode = stack[-1].mode if stack else "neutral"
        section = " › ".join(s.title for s in stack if s.title and not (s.level == 1 and single_title))
        m_label = _LABEL.match(stripped)
        if m_label and not _BULLET.match(line):
            title = normalise_heading(m_label["title"])
            mode = "ignore" if HARD_IGNORE.search(title) else "practice"
            label = (title, 1.0 if "checklist" in title.lower() else 0.8, mode)
            continue
        if label is not None and not _PLAIN_BULLET.match(line) and not _BULLET.match(line):
            label = None  # prose ends a label block
        if section_mode in ("hard", "soft"):
            continue
        task = _TASK.match(line)
        bullet = _BULLET.match(line)
        if not bullet:
            continue
        indent = len(line) - len(line.lstrip())
        if group is not None and indent <= group[0]:
            group = None
        only_label = _GROUP.match(bullet["text"].strip())
        if only_label and not task:
            group = (indent, _strip_markup(only_label["label"]))  # `1. **Implementation**` heads nested bullets
            continue
        if group is not None:
            section = f"{section} › {group[1]}" if section else group[1]
        pins: tuple[str, ...] = ()
        raw = bullet["text"]
        pin = _PIN.search(raw)
        if pin:
            pins = tuple(k.strip() for k in re.split(r"[,\s]+", pin["keys"]) if k.strip())
            raw = _PIN.sub("", raw)
        text, hint = _item_text(task["text"] if task else raw)
        if not text or not re.search(r"[A-Za-z]", text):
            continue
        if label is not None:
            if label[2] == "ignore":
                continue
            shape, weight, where = "label", label[1], f"{section} › {label[0]}" if section else label[0]
        elif task:
            shape, weight, where = "task", 1.0, section
        elif hint == "bold":
            shape, weight, where = "bold", 1.0, section
        elif section_mode == "practice":
            shape, weight, where = "practice", 1.0, section
        else:
            continue
        threshold, notes = _notes(text)
        if len(text) > MAX_ITEM_CHARS:
            text = text[:MAX_ITEM_CHARS - 1] + "…"
        items.append(Item(text, where, lineno, shape, weight, pins, threshold, notes))
        if len(items) >= MAX_ITEMS:
            warnings.append(f"more than {MAX_ITEMS} checklist items; the rest of the file was not read")
            break
    return _dedupe(items), warnings


def item_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _dedupe(items: list[Item]) -> list[Item]:
    """The same item under two headings is one item that records both places."""
    seen: dict[str, Item] = {}
    out: list[Item] = []
    for item in items:
        key = item_key(item.text)
        first = seen.get(key)
        if first is not None:
            if item.section != first.section and item.section not in first.also_in:
                first.also_in.append(item.section)
            first.pins = first.pins or item.pins
            continue
        seen[key] = item
        out.append(item)
    return out


# --------------------------------------------------------------------------------------------- files


def parse_text(text: str, path: str = "<agent>") -> AgentFile:
    front, body, first_line, warnings = split_front_matter(text)
    items, more = parse_body(body, first_line)
    warnings += more
    stem = Path(path).stem
    name = front.get("name")
    description = front.get("description")
    if front and not isinstance(name, str):
        warnings.append("front matter has no 'name'; using the file name")
    agent = AgentFile(
        path=path,
        name=name.strip() if isinstance(name, str) and name.strip() else stem,
        description=" ".join(description.split()) if isinstance(description, str) else "",
        front_matter=front,
        items=items,
        warnings=warnings,
    )
    _apply_front_matter_pins(agent)
    if not items:
        agent.warnings.append("no checklist items found (see docs/checklists.md for the shapes that are read)")
    return agent


def _apply_front_matter_pins(agent: AgentFile) -> None:
    """`backend-audit: {map: {"item text": [keys]}, ignore: ["item text"]}` in the front matter (§7.3)."""
    conf = agent.front_matter.get("backend-audit")
    if conf is None:
        return
    if not isinstance(conf, dict):
        agent.warnings.append("front matter 'backend-audit' must be a mapping with 'map' and/or 'ignore'; ignored")
        return
    by_key = {item_key(i.text): i for i in agent.items}
    mapping = conf.get("map") or {}
    ignore = conf.get("ignore") or []
    if not isinstance(mapping, dict) or not isinstance(ignore, list):
        agent.warnings.append("front matter 'backend-audit': 'map' must be a mapping and 'ignore' a list; ignored")
        return
    for text, keys in mapping.items():
        item = _find(by_key, str(text))
        if item is None:
            agent.warnings.append(f"backend-audit map: no item reads {str(text)!r}")
            continue
        keys = [keys] if isinstance(keys, str) else keys
        item.pins = tuple(str(k) for k in keys or ())
    for text in ignore:
        item = _find(by_key, str(text))
        if item is None:
            agent.warnings.append(f"backend-audit ignore: no item reads {str(text)!r}")
            continue
        item.pins = ("ignore",)


def _find(by_key: dict[str, Item], text: str) -> Item | None:
    key = item_key(text)
    if key in by_key:
        return by_key[key]
    # The text as written in the file, label included or not: accept a unique prefix or suffix match.
    hits = [i for k, i in by_key.items() if k.endswith(key) or k.startswith(key)]
    return hits[0] if len(hits) == 1 else None


def parse_file(path: Path, display: str | None = None, confine: Path | None = None) -> AgentFile:
    """`confine`: the repository folder an agent file found in the tree (or named by its config) must stay
    in. A symlink leading out is not opened, so no outside file's lines reach a report."""
    shown = display or str(path)
    if confine is not None and not inside(path, confine):
        return AgentFile(shown, path.stem, "", {}, [], ["symlink pointing outside the repository; not read"])
    try:
        data = _read_agent(path, nofollow=confine is not None and not path.is_symlink())
    except (OSError, InputError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return AgentFile(shown, path.stem, "", {}, [], [f"cannot read: {reason}"])
    warnings = []
    if len(data) > MAX_BYTES:
        data = data[:MAX_BYTES]
        warnings.append(f"file larger than {MAX_BYTES // (1024 * 1024)} MB; only the first part was read")
    if b"\x00" in data[:4096]:
        return AgentFile(shown, path.stem, "", {}, [], ["binary file, not an agent file; skipped"])
    agent = parse_text(decode(data), shown)
    agent.warnings = warnings + agent.warnings
    return agent


def _read_agent(path: Path, nofollow: bool) -> bytes:
    """At most MAX_BYTES + 1 bytes of a regular file, opened without blocking (a FIFO named like an agent
    file must not hang the scan) and, when the path was checked to be no symlink, with O_NOFOLLOW so it
    cannot become one between the check and the open."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if nofollow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError("not a regular file")
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------- sources


def agent_paths(spec: Path) -> list[Path]:
    """A file, or the agent files in a folder (sorted, not recursive)."""
    if spec.is_file():
        return [spec]
    if spec.is_dir():
        return sorted(p for p in spec.iterdir() if p.is_file() and p.suffix.lower() in AGENT_SUFFIXES)
    return []


def find_agents(root: Path, explicit: list[Path] | tuple[Path, ...] = (),
                targets: list[Path] | tuple[Path, ...] = ()) -> tuple[str, list[tuple[Path, str]]]:
    """(source, [(path, display path)]): `--agents` paths, else the target's .claude/agents, else bundled.
    Display paths are relative to `root` (never the runner's absolute path for files in the tree)."""
    from ..catalog import data_dir
    from ..errors import ConfigError

    if explicit:
        found: list[tuple[Path, str]] = []
        for spec in explicit:
            paths = agent_paths(spec)
            if not paths:
                raise ConfigError(f"--agents {spec}: no agent files there (a .md file or a folder of them)")
            found += [(p, _display(p, root)) for p in paths]
        return "option", found
    for base in [*(t if t.is_dir() else t.parent for t in targets), root]:
        team = base / ".claude" / "agents"
        paths = [p for p in agent_paths(team) if p.suffix.lower() in (".md", ".markdown")] if team.is_dir() else []
        if paths:
            return "target", [(p, _display(p, root)) for p in paths]
    bundled = data_dir("agents")
    return "bundled", [(p, f"<bundled>/{p.name}") for p in agent_paths(bundled) if p.suffix.lower() == ".md"]


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
