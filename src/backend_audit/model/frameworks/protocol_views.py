"""Library views that are public by the protocol they implement, wired straight into a URLconf.

Django's JavaScript catalog serves the interface's translation strings to the login page as to everyone else;
an OAuth 2 provider's token, revocation and introspection endpoints authenticate the calling *client* (RFC 6749
section 2.3, RFC 7009, RFC 7662) and its discovery documents are published for any relying party. None of
them can sit behind a user's login. Matched by the import-resolved name, so a project class of the same name
is judged by its own body.
"""

from __future__ import annotations

# module prefix -> view name -> why it is public
_PUBLIC = {
    "django.views.i18n": {
        "JavaScriptCatalog": "the interface's translation strings",
        "JSONCatalog": "the interface's translation strings",
    },
    "oauth2_provider.views": {
        "TokenView": "OAuth 2 token endpoint: the client authenticates itself (RFC 6749)",
        "RevokeTokenView": "OAuth 2 revocation endpoint: the client authenticates itself (RFC 7009)",
        "IntrospectTokenView": "OAuth 2 introspection endpoint: the caller authenticates itself (RFC 7662)",
        "ConnectDiscoveryInfoView": "OpenID Connect discovery document",
        "JwksInfoView": "the provider's public signing keys",
    },
}


def protocol_public(qualname: str) -> str | None:
    """`public (by protocol: ...)` for a library view its protocol makes public, else None."""
    module, _, name = qualname.rpartition(".")
    for prefix, views in _PUBLIC.items():
        if (module == prefix or module.startswith(prefix + ".")) and name in views:
            return f"public (by protocol: {views[name]})"
    return None
