from django.utils.html import escape


def wrap(tag, content):
    return f"<{tag} class='card'>{escape(content)}</{tag}>"
