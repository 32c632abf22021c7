def wrap(tag, content):
    return f"<{tag} class='card'>{content}</{tag}>"
