"""Route prefixes written as expressions, folded to text: `prefix=settings.API_V1_STR`,
`f"{settings.API_V1_STR}/hooks"`, Django's `path(settings.BASE_PATH, ...)`.

The semantic model folds what the source shows; on top of it, three shapes the model cannot follow alone:
`django.conf.settings.X` (read from the project's settings module), `settings = get_settings()`
(a settings factory: the attribute of the settings class the factory builds) and Flask's `app.config["X"]`
(the attribute of the class `app.config.from_object(...)` loads).
"""

from __future__ import annotations

from typing import Any

_DJANGO_SETTINGS = "django.conf.settings."
_PLAIN = (str, int, float, bool, list, tuple, dict)


class PrefixValues:
    def __init__(self, semantic: Any, settings: dict[str, dict[str, Any]],
                 config_objects: list[str] = ()) -> None:  # type: ignore[assignment]
        self.semantic = semantic
        self.settings = settings  # merged Django settings facts: name -> {"value", "line", "file"}
        self.config_objects = list(config_objects)  # qualnames of the classes Flask's from_object() loads

    def value(self, path: str, enc: Any) -> Any:
        """The folded value of an encoded expression written in `path`, or None when it cannot be told."""
        if self.semantic is None or not isinstance(enc, dict):
            return None
        module = self.semantic.module_of(path)
        if module is None:
            return None
        value = self._evaluate(module, enc, 0)
        return value if isinstance(value, _PLAIN) else None

    def _evaluate(self, module: str, enc: dict[str, Any], depth: int) -> Any:
        value = self.semantic.evaluate(module, enc)
        if value or depth > 8:
            return value
        if "ref" in enc:
            return self._django_setting(module, enc["ref"]) or self._factory_setting(module, enc["ref"])
        if "item" in enc:
            container, key = (list(enc["item"]) + [None, None])[:2]
            if isinstance(container, dict) and str(container.get("ref", "")).endswith("config") and \
                    isinstance(key, str):
                return self.flask_config(key)
        if "cat" in enc:  # f"{settings.API_PREFIX}/v1": fold each part with the fallbacks above
            parts = [self._evaluate(module, part, depth + 1) if isinstance(part, dict) else None
                     for part in enc["cat"]]
            if all(isinstance(p, (str, int, float)) and not isinstance(p, bool) for p in parts):
                return "".join(str(p) for p in parts)
        return None

    def _django_setting(self, module: str, ref: str) -> Any:
        """`settings.BASE_PATH` with `from django.conf import settings`: the value the project's settings
        module (the one naming ROOT_URLCONF / INSTALLED_APPS) gives it."""
        sym = self.semantic.resolve(module, ref)
        if sym is None or sym.kind != "external" or not sym.qualname.startswith(_DJANGO_SETTINGS):
            return None
        anchor = self.settings.get("ROOT_URLCONF") or self.settings.get("INSTALLED_APPS")
        settings_module = self.semantic.module_of(anchor["file"]) if anchor else None
        if settings_module is None:
            return None
        return self.semantic.constant(settings_module, sym.qualname[len(_DJANGO_SETTINGS):]) or None

    def flask_config(self, key: str) -> Any:
        """`app.config["USER_URL_PREFIX"]` (or `current_app.config[...]`): the attribute of the first class
        loaded with `config.from_object(...)` that defines it (the defaults every deployment starts from)."""
        for qualname in self.config_objects:
            found = self.semantic.class_attr(qualname, key)
            owner = self.semantic.class_(found[0]) if found is not None else None
            value = self.semantic.evaluate(owner.module, found[1]) if owner is not None else None
            if isinstance(value, _PLAIN):
                return value
        return None

    def _factory_setting(self, module: str, ref: str) -> Any:
        """`settings = get_settings()` (often `@lru_cache`d) and `settings.API_V1_STR`: the class attribute
        of the project class the factory instantiates."""
        head, _, attr = ref.rpartition(".")
        holder = self.semantic.resolve(module, head) if head else None
        value = holder.value if holder is not None and holder.kind == "constant" else None
        if not isinstance(value, dict) or "call" not in value or holder.module is None:
            return None
        factory = self.semantic.resolve(holder.module, value["call"])
        info = self.semantic.function(factory.qualname) if factory is not None and factory.kind == "function" \
            else None
        for call in info.calls if info is not None else ():
            callee = call[1] if isinstance(call, (list, tuple)) and len(call) > 1 else None
            if not isinstance(callee, str):
                continue
            cls = self.semantic.resolve(info.module, callee)
            found = self.semantic.class_attr(cls.qualname, attr) if cls is not None and cls.kind == "class" \
                else None
            if found is not None:
                owner, enc = found
                owner_info = self.semantic.class_(owner)
                result = self.semantic.evaluate(owner_info.module, enc) if owner_info else None
                if result:
                    return result
        return None
