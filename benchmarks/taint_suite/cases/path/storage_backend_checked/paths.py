import os


def under(root, key):
    path = os.path.realpath(os.path.join(root, key))
    if os.path.commonpath([path, os.path.realpath(root)]) != os.path.realpath(root):
        raise PermissionError(key)
    return path
