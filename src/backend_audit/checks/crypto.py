"""Cryptography and transport: weak hashes, ciphers and key sizes, non-crypto randomness for secrets
(BA-SEC-003), and cleartext transport to remote services (BA-SEC-004)."""

from __future__ import annotations

import ipaddress
from .lazy_re import re  # compiled on first use
from urllib.parse import urlsplit

import ast

from ..findings import Finding
from .base import AstCheck, BanditCheck, FileContext, dotted, iter_nodes
from .recognise import arg, is_credential_name, is_password_name, literal_value, names_in, snake, target_name
from .util import literal_text

# --- BA-SEC-003 ----------------------------------------------------------------------------------------



# fewer values than this: guessed in a few tries whatever produced them (an OTP or PIN has 10**4 or more)
_GUESSABLE = 256


def _literal_span(node: ast.Call, qn: str) -> int | None:
    """How many values `random.randrange(0, 15)` / `random.randint(1, 6)` can give, from literal bounds; else None."""
    if qn not in ("random.randrange", "random.randint") or node.keywords or not 1 <= len(node.args) <= 2:
        return None
    bounds = [literal_value(a) for a in node.args]
    if not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
        return None
    low, high = (0, bounds[0]) if len(bounds) == 1 else bounds
    return max(high - low + (qn == "random.randint"), 0)


class WeakCryptoBandit(BanditCheck):
    """DES/RC4/Blowfish/ECB (B304/B305) and short RSA/DSA/EC keys (B505), re-keyed. Hashes are judged by the
    AST half below, which can tell a password hash from an ETag."""

    RULE_ID = "BA-SEC-003"

    def convert(self, issue) -> Finding | None:
        return self.finding_from_issue(issue, message=f"weak cryptography ({issue.test_id}: "
                                                      f"{issue.text.rstrip('.')}); use AES-GCM / ChaCha20-Poly1305 "
                                                      "and keys of at least 2048 bits (RSA) or 224 bits (EC)")


_WEAK_HASHES = {"hashlib.md5": "MD5", "hashlib.sha1": "SHA-1", "Crypto.Hash.MD5.new": "MD5",
                "Crypto.Hash.MD4.new": "MD4", "Crypto.Hash.MD2.new": "MD2", "Crypto.Hash.SHA.new": "SHA-1",
                "Crypto.Hash.SHA1.new": "SHA-1", "Cryptodome.Hash.MD5.new": "MD5", "Cryptodome.Hash.SHA1.new": "SHA-1",
                "Cryptodome.Hash.SHA.new": "SHA-1", "Cryptodome.Hash.MD4.new": "MD4",
                "cryptography.hazmat.primitives.hashes.MD5": "MD5",
                "cryptography.hazmat.primitives.hashes.SHA1": "SHA-1"}
_WEAK_NAMES = {"md5": "MD5", "sha1": "SHA-1", "md4": "MD4", "sha": "SHA-1", "md2": "MD2"}
# Hash uses that are not security: content addressing, caches, ETags, avatars, de-duplication.
_NOT_SECURITY = re.compile(r"(?i)(etag|cache|checksum|fingerprint|gravatar|avatar|dedup|digest_?file|file_?hash|"
                           r"hash_?file|md5sum|content_?hash|filename|file_?name|path|bucket|shard|partition|color|"
                           r"colour|slug|uuid|seed|version|revision|chunk|manifest|integrity|hash_?key|cache_?key|unique_?(key|id)|"
                           r"identifier)")
# a name that calls the value after its algorithm (`current_md5`), a hash of something (`config_hash`,
# `hash_func`): a checksum or a content key, not a credential
_CHECKSUM_NAME = re.compile(r"(?i)(^|_)(md5|sha1|hash)(_|$|\s)")
_SECURITY = re.compile(r"(?i)(passw|pwd|token|secret|sign|auth|otp|nonce|salt|session|verify|credential|api_?key|"
                       r"private|hmac|mac\b|cookie|csrf|reset|invite|login)")
_RANDOM_FUNCS = frozenset({"random.random", "random.randint", "random.randrange", "random.choice", "random.choices",
                           "random.sample", "random.getrandbits", "random.randbytes", "random.uniform",
                           "random.shuffle"})
_CODE_PURPOSE = frozenset({"reset", "invite", "invitation", "verification", "verify", "confirm", "confirmation",
                           "activation", "auth", "login", "otp", "sms", "one", "access", "recovery", "pairing"})


_RANDOM_BENIGN = re.compile(r"(?i)(cache|shard|sample|jitter|backoff|fixture|fake|faker|seed|demo|populate|"
                            r"color|colour|shuffle)")
_LOOKUP_KEYS = frozenset({"cache", "sort", "dict", "lookup", "partition", "shard", "index", "group", "order", "map",
                          "hash", "row", "primary", "foreign", "redis", "idempotency", "dedup", "bucket", "s3", "object"})


def _keyless_signature(words: str, hashed: str) -> bool:
    """`_signature(name, args)` returning sha1(f"{name}::{canonical}"): only "sign"/"verify" say security, and
    no key or secret is among what is hashed, so anyone can recompute the digest: it tells calls or contents
    apart (a de-duplication key), it authenticates nothing."""
    terms = {m.group(0).lower() for m in _SECURITY.finditer(words)}
    return bool(terms) and terms <= {"sign", "verify"} and not any(
        is_credential_name(n) or "key" in snake(n).split("_") for n in hashed.split())


def _keyed(hashed: str) -> bool:
    """A key or secret among the hashed names (`md5(params + api_secret)`, `settings.SECRET_KEY`): the digest
    is a home-made MAC. A token hashed alone names a cache entry or a lookup as often as anything secret."""
    return any({"key", "secret", "secrets", "salt", "pepper", "hmac"} & set(snake(n).lower().split("_"))
               for n in hashed.split())


def _secret_value_name(name: str | None) -> bool:
    """A name that holds a value someone must not guess: `token`, `otp`, `nonce`, `salt`, `reset_code`."""
    if not name:
        return False
    words = snake(name).strip("_").split("_")
    if is_credential_name(name) or {"otp", "nonce", "salt", "pin", "passcode", "secret", "key", "token", "password",
                                    "passwd"} & set(words):
        # a random "key" is a secret key, unless it keys a cache, a sort or a shard
        return "key" not in words or len(words) == 1 or words[words.index("key") - 1] not in _LOOKUP_KEYS
    return "code" in words and bool(_CODE_PURPOSE & set(words))


_CALL_TAILS = frozenset({q.rpartition(".")[2] for q in (*_WEAK_HASHES, *_RANDOM_FUNCS, "hashlib.new")})


# a name for a set of characters a value is drawn from, one by one
_ALPHABET = re.compile(r"(?i)alphabet|char|letter|digit|symbol|vocab")


class WeakCrypto(AstCheck):
    RULE_ID = "BA-SEC-003"
    PREFILTER = ("md5", "sha1", "MD5", "SHA1", "SHA", "MD4", "md4", "random")

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        tail = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if tail not in _CALL_TAILS:
            return  # the cheap test that keeps qualname() off every other call
        qn = self.ctx.qualname(func) or ""
        algo = _WEAK_HASHES.get(qn)
        if algo is None and qn == "hashlib.new":
            algo = _WEAK_NAMES.get(str(literal_value(arg(node, "name", 0))).lower().replace("-", ""))
        if algo is not None:
            self._hash(node, algo)
        elif qn == "random.shuffle" and node.args and isinstance(node.args[0], ast.Call):
            return  # `random.shuffle(list(password))`: shuffles a temporary no one keeps; nothing uses its order
        elif qn in _RANDOM_FUNCS:
            self._random(node, qn)

    def _context(self) -> tuple[str | None, str]:
        """The name the value is bound to (assignment target, keyword, returning function) and the function."""
        fn = self.ctx.function_stack[-1].name if self.ctx.function_stack else ""
        child = None
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, ast.keyword) and parent.arg:
                return parent.arg, fn
            if isinstance(parent, ast.Dict) and child is not None:
                # `{"previous_md5": md5(shot).hexdigest()}`: the key names the value
                key = next((k for k, v in zip(parent.keys, parent.values) if v is child), None)
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    return key.value, fn
            text = " ".join(str(v.value) for v in parent.values if isinstance(v, ast.Constant)) \
                if isinstance(parent, ast.JoinedStr) else ""
            if text.strip():
                # f"Document checksum - {md5(raw).hexdigest()}": the text around the digest says what it is
                return "_".join(text.split()), fn
            child = parent
            if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                return next((n for t in targets if (n := target_name(t))), None), fn
            if isinstance(parent, ast.Return):
                return fn, fn
            if isinstance(parent, (ast.stmt,)):
                return None, fn
        return None, fn

    def _hash(self, node: ast.Call, algo: str) -> None:
        flag = arg(node, "usedforsecurity")
        if flag is not None and literal_value(flag) is False:
            return
        hashed = " ".join(n for a in node.args for n in names_in(a))
        if any(is_password_name(n) for n in hashed.split()):
            return  # a password hashed with a fast digest: BA-AUTH-003 reports it as an error
        bound, fn = self._context()
        words = " ".join(filter(None, (bound, fn, hashed)))
        module = self.ctx.path.rsplit(".", 1)[0]  # `cache/__init__`, `utils/checksums`: the module says it too
        if (_NOT_SECURITY.search(f"{words} {module} {self._params()}") or _CHECKSUM_NAME.search(f"{bound} {fn}")) \
                and not _SECURITY.search(bound or ""):
            return  # content addressing, caches, ETags: collisions do not matter there
        if bound and self._only_keys(bound):
            return  # `TokenBucket.authorize(f"em-{hashed}", ...)`: the digest names a bucket or a cache entry
        if _SECURITY.search(words) and _keyed(hashed):
            self.report(node, f"{algo} used for a security value ({bound or fn}): {algo} collisions are practical; "
                              "use SHA-256 (or HMAC-SHA-256 for signatures, a password hasher for passwords)")
        elif _SECURITY.search(words) and not _keyless_signature(words, hashed):
            # blind, digests named for a token or a signature with no key among their inputs were cache keys,
            # de-duplication keys and server-side values: the name alone does not show what an attacker gains
            self.report(node, f"{algo} for a value named for security ({bound or fn}), but no key or secret is among "
                              "what it hashes: what it protects and who chooses its input were not traced; use "
                              "SHA-256, or HMAC-SHA-256 with a key if it authenticates anything", level="note",
                        properties={"sub": "keyless-digest"})
        else:
            self.report(node, f"{algo} hash whose purpose is not traced: fine for checksums and cache keys, broken "
                              "for signatures and tokens; use SHA-256, or pass usedforsecurity=False to say it is "
                              "not security", level="note")

    def _params(self) -> str:
        """The enclosing function's parameter names (`calculate_hash(user, path)` hashes a file)."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        return " ".join(a.arg for a in fn.args.args) if fn is not None else ""

    def _only_keys(self, bound: str) -> bool:
        """Every later use of the digest is inside a call that names a cache, a bucket or a key (by its
        function or its receiver), so it identifies an entry and nothing is verified with it."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if fn is None:
            return False
        calls = []
        for call in ast.walk(fn):
            if isinstance(call, ast.Call) and any(isinstance(n, ast.Name) and n.id == bound and
                                                  isinstance(n.ctx, ast.Load)
                                                  for a in (*call.args, *(k.value for k in call.keywords))
                                                  for n in ast.walk(a)):
                calls.append(dotted(call.func) or "")
        uses = sum(1 for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == bound and isinstance(n.ctx, ast.Load))
        return bool(calls) and len(calls) >= uses and all(_NOT_SECURITY.search(c) for c in calls)

    def _random(self, node: ast.Call, qn: str) -> None:
        if self._only_tested():
            return  # `if random.randint(0, 1) == 0:`: a coin flip decides a branch, no value is kept or sent
        if self._ordering_key():
            return  # `min(judges, key=lambda j: (j.load, random()))`: breaks ties while sorting, never kept
        bound, fn = self._context()
        if _RANDOM_BENIGN.search(f"{self.ctx.path} {fn} {bound or ''}"):
            return  # `pkgs/cache/cache_key.py: new_key()`: a cache buster, sample data, jitter
        if _secret_value_name(bound) or (bound is None and _secret_value_name(fn)):
            shown = self._published_in(bound) if bound and bound != fn else ""
            if shown:
                self.report(node, f"{qn}() produces {bound}, whose every use puts it into {shown}, a value not named "
                                  "as a secret: whether anyone relies on guessing it being hard was not traced; use "
                                  "the secrets module if it is ever a credential", level="note",
                            properties={"sub": "published"})
                return
            span = _literal_span(node, qn) if self._taken_whole() else None
            if span is not None and span < _GUESSABLE:
                # a value among a handful (`salt = random.randrange(0, 15)`, a Cisco type-7 offset): anyone guesses
                # it in a few tries whatever the generator, so its predictability adds nothing
                self.report(node, f"{qn}() produces {bound or fn} among only {span} values: guessable in a few tries "
                                  "whatever the generator, so the random module's predictability adds nothing; if it "
                                  "is meant to be secret, it needs far more values (secrets.token_urlsafe())",
                            level="note", properties={"sub": "few-values"})
                return
            if qn == "random.choice" and self._picks_existing(node):
                # blind set R: one of the API keys a page publishes, picked at random; guessing the pick gives
                # nothing the list does not
                self.report(node, f"{qn}() picks {bound or fn} among values that already exist "
                                  f"({self.ctx.segment(node.args[0])}), it makes no new secret: whether those values "
                                  "are secrets and who may learn which was picked were not traced",
                            level="note", properties={"sub": "pick"})
                return
            self.report(node, f"{qn}() produces {bound or fn}: the random module is predictable (Mersenne Twister, "
                              "state recoverable from outputs); use secrets.token_urlsafe() / secrets.choice()")

    def _taken_whole(self) -> bool:
        """`salt = random.randrange(0, 15)` outside any loop: the value is all there is, not one digit of a code
        built up (`code += str(random.randint(0, 9))`, a comprehension, an append in a loop)."""
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        return isinstance(parent, ast.Assign) and not any(
            isinstance(p, (ast.For, ast.AsyncFor, ast.While, ast.comprehension, ast.GeneratorExp, ast.ListComp))
            for p in self.ctx.parents)

    def _ordering_key(self) -> bool:
        """Inside the `key=` function of a sort, `min`/`max` or heap pick (a lambda passed as `key`): the value only
        orders the items, nothing keeps or sends it."""
        for i, parent in enumerate(self.ctx.parents):
            if isinstance(parent, ast.keyword) and parent.arg == "key" and \
                    isinstance(parent.value, ast.Lambda) and parent.value in self.ctx.parents[i + 1:i + 2]:
                return True
        return False

    def _picks_existing(self, node: ast.Call) -> bool:
        """`random.choice(api_keys)` taken whole, not a piece of a value built up (no comprehension around it, no
        `+=`), on a
        collection that is no alphabet (a string, a `string.*` constant, a name saying chars/letters/alphabet):
        the value picked is one the program already has."""
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        if len(node.args) != 1 or isinstance(parent, (ast.AugAssign, ast.BinOp, ast.JoinedStr)) or any(
                isinstance(p, (ast.GeneratorExp, ast.ListComp, ast.comprehension)) for p in self.ctx.parents):
            return False  # one character of a value built piece by piece
        pool = node.args[0]
        for n in ast.walk(pool):
            if isinstance(n, ast.Constant) and isinstance(n.value, str) or \
                    (dotted(n) or "").startswith("string.") or \
                    isinstance(n, ast.Name) and _ALPHABET.search(n.id):
                return False
        return True

    def _only_tested(self) -> bool:
        """The random value is an operand of a comparison (`random.randint(0, 1) == 0`, `random.random() <
        rate`): a branch is chosen by chance, nothing random is produced for anyone."""
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        return isinstance(parent, ast.Compare)

    def _published_in(self, bound: str) -> str:
        """Every use of the local `bound` is inside text built into another name that is not a secret's
        (`profile.username = f"{profile.username}_{suffix}"`): the random part is shown wherever that value is.
        That name, or ""."""
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if fn is None:
            return ""
        uses = sum(1 for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == bound and isinstance(n.ctx, ast.Load))
        shown, covered = [], 0
        for stmt in ast.walk(fn):
            if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, (ast.JoinedStr, ast.BinOp)):
                continue
            inside = sum(1 for n in ast.walk(stmt.value) if isinstance(n, ast.Name) and n.id == bound)
            target = target_name(stmt.targets[0]) if len(stmt.targets) == 1 else None
            if inside and target and target != bound and not _secret_value_name(target):
                covered += inside
                shown.append(target)
        return shown[0] if uses and covered == uses else ""


# --- BA-SEC-004 ----------------------------------------------------------------------------------------

_HTTP_CALLS = frozenset({"requests.get", "requests.post", "requests.put", "requests.patch", "requests.delete",
                         "requests.head", "requests.options", "requests.request", "httpx.get", "httpx.post",
                         "httpx.put", "httpx.patch", "httpx.delete", "httpx.head", "httpx.request", "httpx.stream",
                         "urllib.request.urlopen", "urllib.request.Request", "urllib3.request",
                         "aiohttp.request"})
_CLIENT_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "request", "stream", "urlopen"})
_LOCAL_SUFFIX = (".local", ".localhost", ".internal", ".svc", ".lan", ".home", ".test", ".example", ".invalid",
                 "example.com", "example.org", "example.net")


def is_internal_host(host: str, extra: tuple[str, ...] = ()) -> bool:
    """localhost, loopback and private addresses, dot-less service names (`db`, `api` in docker-compose),
    reserved documentation domains, and hosts the project lists as internal."""
    host = host.strip("[]").lower()
    if not host or host in ("localhost", "0.0.0.0") or "." not in host and ":" not in host:
        return True
    if host in extra or any(host.endswith("." + e) for e in extra) or host.endswith(_LOCAL_SUFFIX):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified


def _url_text(node: ast.AST | None) -> str:
    """The literal text an URL expression starts with (an f-string's leading constant part)."""
    if isinstance(node, ast.JoinedStr):
        head = node.values[0] if node.values else None
        return literal_text(head) if isinstance(head, ast.Constant) else ""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _url_text(node.left)
    value = literal_value(node)
    return value if isinstance(value, str) else ""


def _remote_http(text: str, extra: tuple[str, ...]) -> str | None:
    if not text.lower().startswith("http://"):
        return None
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return None
    if "{" in host or "%" in host:
        return None  # a template: the host is filled in elsewhere
    return None if is_internal_host(host, extra) else host


_DSN_NO_TLS = re.compile(r"(?i)(sslmode=disable|ssl=false|ssl_mode=disabled|tls=false)")
_DSN_HOST = re.compile(r"(?i)^[a-z][\w+.-]*://(?:[^@/]*@)?(?P<host>\[[^\]]+\]|[^:/?]+)")


def _inside(call: ast.Call, fn: ast.AST, conditional: bool) -> bool:
    """Whether `call` sits in an `if` branch of fn (conditional=True) or outside every one (False)."""
    in_if = any(call in iter_nodes(branch) for n in iter_nodes(fn) if isinstance(n, ast.If)
                for branch in (n.body, n.orelse))
    return in_if == conditional


_FALSY = (None, False, "", 0)
# objects holding the deployment's settings: `settings`, `os.environ`, `app.config`, `conf`
_SETTINGS_HOLDERS = frozenset({"settings", "environ", "config", "conf", "app_config"})


def _reads_settings(read: ast.Call, func: str, params: set[str]) -> bool:
    if func in ("os.getenv", "getenv"):
        return True
    holder = read.args[0] if func == "getattr" and read.args else \
        read.func.value if isinstance(read.func, ast.Attribute) else None
    name = dotted(holder) or ""
    return name.split(".")[-1] in _SETTINGS_HOLDERS and name.split(".")[0] not in params


def _off_by_default_gate(call: ast.Call, fn: ast.AST) -> str | None:
    """The setting that gates `call`, when its read gives a false default: the `if` around the call tests
    `getattr(settings, "X", None)`, `os.environ.get("X")`, `config.get("X", False)` or a local assigned one."""
    gate = next((n.test for n in iter_nodes(fn) if isinstance(n, ast.If)
                 and any(call in iter_nodes(b) for b in (n.body, n.orelse))), None)
    if gate is None:
        return None
    names = {n.id for n in iter_nodes(gate) if isinstance(n, ast.Name)}
    reads = [n for n in iter_nodes(gate) if isinstance(n, ast.Call)] + [
        a.value for a in iter_nodes(fn) if isinstance(a, ast.Assign) and len(a.targets) == 1
        and isinstance(a.targets[0], ast.Name) and a.targets[0].id in names and isinstance(a.value, ast.Call)]
    params = {a.arg for a in iter_nodes(fn) if isinstance(a, ast.arg)} if isinstance(fn, ast.AST) else set()
    for read in reads:
        func = dotted(read.func) or ""
        if not _reads_settings(read, func, params):
            continue  # `config.get("tls", False)` of a record passed in: its default is not the deployment's
        key = literal_value(read.args[1]) if func == "getattr" and len(read.args) >= 2 else \
            literal_value(read.args[0]) if func.endswith((".get", "getenv")) and read.args else None
        if not isinstance(key, str):
            continue
        default = read.args[2] if func == "getattr" and len(read.args) > 2 else \
            read.args[1] if func != "getattr" and len(read.args) > 1 else None
        if func == "getattr" and default is None:
            continue  # getattr without a default raises: the setting is required, not off
        if default is None or isinstance(default, ast.Constant) and default.value in _FALSY:
            return key
    return None


class CleartextTransport(AstCheck):
    RULE_ID = "BA-SEC-004"
    PREFILTER = ("http://", "sslmode", "ssl=", "ftplib", "telnetlib", "smtplib")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.internal = tuple(str(h).lower() for h in (self.option("internal_hosts") or ()))

    def visit_Call(self, node: ast.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        method = isinstance(node.func, ast.Attribute) and node.func.attr in _CLIENT_METHODS
        if qn in _HTTP_CALLS or (method and not qn.startswith(("builtins", "os", "dict"))):
            self._http(node, qn)
        elif qn in ("ftplib.FTP", "telnetlib.Telnet"):
            host = literal_value(arg(node, "host", 0))
            if not (isinstance(host, str) and is_internal_host(host, self.internal)):
                what = "FTP" if qn == "ftplib.FTP" else "Telnet"
                self.report(node, f"{qn}() speaks {what} in cleartext: credentials and data cross the network "
                                  f"readable; use {'ftplib.FTP_TLS or SFTP' if what == 'FTP' else 'SSH'}")
        elif qn == "smtplib.SMTP":
            self._smtp(node)

    def _http(self, node: ast.Call, qn: str) -> None:
        url = arg(node, "url", 0)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "request" and qn != "urllib3.request":
            url = arg(node, "url", 1)  # session.request("GET", url)
        host = _remote_http(_url_text(url), self.internal)
        if host is None:
            return
        auth = arg(node, "auth") is not None or any(
            isinstance(literal_value(k), str) and literal_value(k).lower() in ("authorization", "x-api-key", "api-key")
            for h in [arg(node, "headers")] if isinstance(h, ast.Dict) for k in h.keys if k is not None)
        if auth:
            self.report(node, f"credentials sent over plain http:// to {host}: anyone on the path reads them; use "
                              "https://", level="error")
        else:
            self.report(node, f"plain http:// request to {host}: the request and the answer can be read and changed "
                              "on the way; use https://")

    def _smtp(self, node: ast.Call) -> None:
        """Judged by what the function does with the connection: a login() with no starttls() before it sends
        the password in cleartext (a warning); starttls() only where a setting that is off by default turns
        it on is the same, said so; a connection that never logs in carries only the mail, a warning to a
        remote host named in the code, a note when the host is not traced."""
        host_node = arg(node, "host", 0)
        host = literal_value(host_node)
        if isinstance(host, str) and is_internal_host(host, self.internal):
            return
        fn = self.ctx.function_stack[-1] if self.ctx.function_stack else self.ctx.tree
        if fn is None:
            return
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        conn = dotted(parent.targets[0]) if isinstance(parent, ast.Assign) and len(parent.targets) == 1 else \
            dotted(parent.optional_vars) if isinstance(parent, ast.withitem) and parent.optional_vars else None
        calls = [n for n in iter_nodes(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
        login = next((c for c in calls if c.func.attr == "login" and conn and dotted(c.func.value) == conn), None)
        starttls = [c for c in calls if c.func.attr == "starttls"]
        if login is None:
            if starttls or self._default_internal(fn, host_node):
                return
            remote = isinstance(host, str)
            self.report(node, "smtplib.SMTP() without starttls(): the mail travels in cleartext" +
                        ("" if remote else " if the host is remote (the host was not traced, and nothing logs in "
                                           "here)") + "; call starttls(), or use smtplib.SMTP_SSL",
                        level=None if remote else "note")
            return
        if not starttls:
            self.report(node, f"smtplib.SMTP() without starttls(), then login() at line {login.lineno}: the "
                              "password travels in cleartext; call starttls() before login(), or use "
                              "smtplib.SMTP_SSL")
            return
        if any(_inside(c, fn, conditional=False) for c in starttls):
            return
        setting = next((name for c in starttls for name in [_off_by_default_gate(c, fn)] if name), None)
        if setting:
            self.report(node, f"smtplib.SMTP() then login() at line {login.lineno}: starttls() runs only when "
                              f"the setting {setting} turns it on, and it is off by default, so out of the box the "
                              "password travels in cleartext; default to TLS (starttls() unless explicitly "
                              "disabled) or use smtplib.SMTP_SSL")

    @staticmethod
    def _default_internal(fn: ast.AST, host: ast.AST | None) -> bool:
        """The host is a parameter whose default is an internal host (`server="localhost"`)."""
        if not isinstance(host, ast.Name) or not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        a = fn.args
        positional = a.posonlyargs + a.args
        pairs = list(zip(positional[len(positional) - len(a.defaults):], a.defaults)) + \
            [(p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
        return any(p.arg == host.id and isinstance(literal_value(d), str) and is_internal_host(literal_value(d), ())
                   for p, d in pairs)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, str) or "://" not in value or not _DSN_NO_TLS.search(value):
            return
        m = _DSN_HOST.match(value.strip())
        if m and not is_internal_host(m.group("host"), self.internal):
            self.report(node, f"connection string to {m.group('host')} turns TLS off ({_DSN_NO_TLS.search(value)[0]}): "
                              "database credentials and rows cross the network in cleartext; use sslmode=require "
                              "(verify-full with a CA)")

