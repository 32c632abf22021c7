"""The checklist-key vocabulary (rules/checklists.yaml) and the item -> key matcher (catalog §7.2).

Deterministic and explainable: text is lower-cased, stripped of markup and punctuation, stop-words
dropped, words lightly stemmed. A phrase whose words all occur in the item (a trailing `*` matches any
ending) or a regex hit scores 1.0; otherwise the best word overlap (Jaccard over content words) with any phrase counts when it
shares at least two words and more than half of the words in play.
Every key scoring >= THRESHOLD is assigned and each assignment records why.
"""

from __future__ import annotations

import functools
import re
from dataclasses import field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..catalog import parsed_copy, safe_load, yaml_errors
from ..records import dataclass
from ..untrusted import user_cache

THRESHOLD = 0.5

STOP_WORDS = frozenset("""
a an the and or of for to in on at by as with from into via per is are be been being it its this that
these those all any every each our your their we you they should must can will shall may also when where
which who how not no do does done up out over under across proper properly comprehensive appropriate
appropriately ensure ensured implement implemented implementing implementation use used using set setup
make made well good robust strong effective efficient efficiently following follow follows place
""".split())

_WORD = re.compile(r"[a-z0-9]+\*?")


def stem(word: str) -> str:
    """A light stemmer: plural, one derivational/inflectional suffix, final e, doubled consonant."""
    w = word
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    for suffix in ("ations", "ation", "ities", "ity", "ions", "ion", "ings", "ing", "ed", "ment"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if suffix in ("ing", "ings", "ed") and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if w.endswith("at") and len(w) > 5:
        w = w[:-2]
    return w


def clean(text: str) -> str:
    text = re.sub(r"<!--.*?-->", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.lower().replace("**", " ").replace("`", " ").split())


def tokens(text: str, keep_stop_words: bool = False) -> tuple[str, ...]:
    """Stemmed words of a text; words ending in `*` (phrase wildcards) keep the star.

    Phrases keep their stop-words ("under load" must not shrink to "load"); the overlap score uses
    content words only.
    """
    out = []
    for raw in _WORD.findall(clean(text)):
        star = raw.endswith("*")
        word = raw.rstrip("*")
        if not word or (word in STOP_WORDS and not keep_stop_words):
            continue
        out.append(word + "*" if star else stem(word))
    return tuple(out)


@dataclass(frozen=True)
class Key:
    """A checklist key of the vocabulary: its title, area and the phrases that name it."""
    id: str
    title: str
    area: str
    phrases: tuple[str, ...]
    regexes: tuple[re.Pattern[str], ...]
    manual_evidence: dict[str, Any] = field(default_factory=dict)
    phrase_tokens: tuple[tuple[str, ...], ...] = ()
    # inputs the key's rules need before a silence means anything: "routes" (a route or middleware read)
    needs: tuple[str, ...] = ()

    @property
    def has_manual_side(self) -> bool:
        """A question no rule answers (a `prompt`): such a key is partial at best. Evidence alone is not one."""
        return bool(self.manual_evidence.get("prompt"))


@dataclass(frozen=True)
class Match:
    """A key an item matched, with its score and why."""
    key: str
    score: float
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "score": round(self.score, 2), "why": self.why}


class Vocabulary:
    def __init__(self, keys: dict[str, Key], memo: Any = None):
        self.keys = keys
        # user_cache.Memo of `match` answers by item text (the bundled vocabulary only): every scan scores
        # the same agent items against the same phrases
        self.memo = memo
        # per phrase, its content words without the `*` of stems: what the overlap score compares
        self._plain = {k.id: [frozenset(p.rstrip("*") for p in ptoks if p.rstrip("*") not in STOP_WORDS)
                              for ptoks in k.phrase_tokens] for k in keys.values()}
        # per phrase, its whole words (one set test) and its stems (prefix tests), split once: every item of
        # every agent file is scored against every phrase
        self._split = {k.id: [(frozenset(p for p in ptoks if not p.endswith("*")),
                               tuple(p[:-1] for p in ptoks if p.endswith("*"))) for ptoks in k.phrase_tokens]
                       for k in keys.values()}

    def __contains__(self, key: str) -> bool:
        return key in self.keys

    def scores(self, text: str) -> list[Match]:
        """Every key's best score for `text`, highest first (ties by key id, so output is stable)."""
        lowered = clean(text)
        content = set(tokens(text))
        words = set(tokens(text, keep_stop_words=True))
        raw_words = set(_WORD.findall(lowered))
        # what a `stem*` pattern matches: every prefix of every word, made once per text
        prefixes = {w[:k] for w in words | raw_words for k in range(len(w) + 1)}
        out: list[Match] = []
        for key in self.keys.values():
            best = Match(key.id, 0.0, "")
            for rx in key.regexes:
                if rx.search(lowered):
                    best = Match(key.id, 1.0, f"regex /{rx.pattern}/")
                    break
            if best.score < 1.0:
                for phrase, ptoks, plain, (whole, stems) in zip(key.phrases, key.phrase_tokens, self._plain[key.id],
                                                                 self._split[key.id]):
                    if not ptoks:
                        continue
                    if whole <= words and all(stem in prefixes for stem in stems):
                        best = Match(key.id, 1.0, f"phrase '{phrase}'")
                        break
                    shared = len(plain & content)
                    union = len(plain) + len(content) - shared  # Jaccard: |plain & content| / |plain | content|
                    # One shared word is a coincidence ("monitoring" vs "monitoring endpoints"), not a match.
                    score = shared / union if union and shared >= 2 else 0.0
                    if score == THRESHOLD:
                        # Half the words in common is a near miss, not a match: keep it only as a hint.
                        score = THRESHOLD - 0.01
                    if score > best.score:
                        best = Match(key.id, score, f"{shared} of {len(plain)} words of '{phrase}'")
            if best.score > 0:
                out.append(best)
        out.sort(key=lambda m: (-m.score, m.key))
        return out

    def loose_nearest(self, text: str, limit: int = 3) -> list[Match]:
        """Keys sharing at least one content word with one of their phrases: a pin suggestion for an item too
        far from every key to be scored (never assigned)."""
        content = set(tokens(text))
        out = []
        for key in self.keys.values():
            best = max((len(plain & content) / len(plain | content) for plain in self._plain[key.id]
                        if plain & content), default=0.0)
            if best:
                out.append(Match(key.id, min(best, THRESHOLD - 0.01), "one shared word"))
        out.sort(key=lambda m: (-m.score, m.key))
        return out[:limit]

    def match(self, text: str) -> tuple[list[Match], list[Match]]:
        """(assigned keys, nearest unassigned keys) for an item."""
        if self.memo is None:
            return self._match(text)

        def plain() -> list[list[list[Any]]]:
            return [[[m.key, m.score, m.why] for m in part] for part in self._match(text)]

        assigned, nearest = self.memo.get(text, plain, valid=_plain_matches, private=False)  # read into Matches
        return [Match(*m) for m in assigned], [Match(*m) for m in nearest]

    def _match(self, text: str) -> tuple[list[Match], list[Match]]:
        scored = self.scores(text)
        assigned = [m for m in scored if m.score >= THRESHOLD]
        nearest = [m for m in scored if m.score < THRESHOLD][:3]
        return assigned, nearest


def _plain_matches(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(
        isinstance(part, list) and all(isinstance(m, list) and len(m) == 3 and isinstance(m[0], str)
                                       and isinstance(m[1], float) and isinstance(m[2], str) for m in part)
        for part in value)


def _compile(key_id: str, patterns: Any, source: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for p in patterns or ():
        try:
            out.append(re.compile(str(p)))
        except re.error as exc:
            raise ConfigError(f"{source}: key '{key_id}' has an invalid regex {p!r}: {exc}") from None
    return tuple(out)


def parse_vocabulary(raw: Any, source: str, known_tokens: dict[str, list[str]] | None = None) -> Vocabulary:
    """The vocabulary of a parsed checklists file. `known_tokens` (phrase -> its tokens) is read and filled:
    the bundled vocabulary's 500 phrases are tokenised once per installation, not once per scan."""
    known = known_tokens if known_tokens is not None else {}

    def phrase_tokens(phrase: str) -> tuple[str, ...]:
        found = known.get(phrase)
        if found is None:
            found = known[phrase] = list(tokens(phrase, keep_stop_words=True))
        return tuple(found)

    if not isinstance(raw, dict):
        raise ConfigError(f"{source} must map checklist keys to their title, area and phrases")
    keys: dict[str, Key] = {}
    for key_id, spec in raw.items():
        if not isinstance(spec, dict) or "title" not in spec or "area" not in spec:
            raise ConfigError(f"{source}: key '{key_id}' needs at least a title and an area")
        phrases = tuple(str(p) for p in spec.get("phrases") or ())
        evidence = spec.get("manual_evidence") or {}
        needs = spec.get("needs") or []
        if not isinstance(needs, list) or any(n not in ("routes",) for n in needs):
            raise ConfigError(f"{source}: key '{key_id}': needs must be a list of: routes")
        if not isinstance(evidence, dict):
            raise ConfigError(f"{source}: key '{key_id}': manual_evidence must be a mapping (prompt, files, packages)")
        keys[str(key_id)] = Key(
            id=str(key_id), title=str(spec["title"]), area=str(spec["area"]), phrases=phrases,
            regexes=_compile(key_id, spec.get("regexes"), source), manual_evidence=dict(evidence),
            phrase_tokens=tuple(phrase_tokens(p) for p in phrases), needs=tuple(needs),
        )
    return Vocabulary(keys)


@functools.lru_cache(maxsize=2)
def load_vocabulary(path: str | None = None) -> Vocabulary:
    from ..catalog import data_dir

    file = Path(path) if path else data_dir("rules") / "checklists.yaml"
    copy = parsed_copy([file], "checklists") if not path else {}
    if str(file) in copy:
        raw = copy[str(file)]
    else:
        try:
            raw = safe_load(file.read_text(encoding="utf-8"))
        except yaml_errors() as exc:
            raise ConfigError(f"cannot read the checklist vocabulary {file}: {exc}") from None
    if path:
        return parse_vocabulary(raw, str(file))
    tokens_name = _derived_name("checklist-tokens", file)
    known = user_cache.read_json(tokens_name) if tokens_name else None
    if not (isinstance(known, dict) and all(isinstance(v, list) and all(isinstance(t, str) for t in v)
                                            for v in known.values())):
        known = {}
    before = len(known)
    vocabulary = parse_vocabulary(raw, str(file), known)
    if tokens_name and len(known) != before:
        user_cache.write_json(tokens_name, known, prune_prefix="checklist-tokens-")
    vocabulary.memo = _scores_memo(file)
    return vocabulary


def _derived_name(kind: str, file: Path) -> str | None:
    """The user-cache file of data derived from the vocabulary by this module (its stat and ours, and the
    version, name it), or None."""
    from .. import __version__

    try:
        return f"{kind}-{user_cache.files_digest([file, Path(__file__)], f'{kind} 1 {__version__}')}.json"
    except OSError:
        return None


def _scores_memo(file: Path) -> Any:
    """Answers for the bundled vocabulary, named by its file and this module (the scoring) and the version."""
    name = _derived_name("checklist-scores", file)
    return user_cache.Memo(name, max_entries=512, max_entry_bytes=4096) if name else None


def rules_by_key(rules) -> dict[str, list]:
    """key -> the rules whose `checklist:` names it: derived, so a new rule never edits the vocabulary."""
    index: dict[str, list] = {}
    for rule in rules:
        for key in rule.checklist:
            index.setdefault(key, []).append(rule)
    return index
