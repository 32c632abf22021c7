from ldap3.utils.conv import escape_filter_chars


def by_attribute(name, value):
    return f"({name}={escape_filter_chars(value)})"
