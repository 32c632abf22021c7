import os


def under(root, key):
    return os.path.join(root, key)
