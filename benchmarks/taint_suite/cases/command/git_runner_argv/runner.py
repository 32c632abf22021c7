from .shell import run_argv


class GitRunner:
    def __init__(self, root):
        self.root = root

    def create_branch(self, repo, branch):
        return run_argv(["git", "-C", f"{self.root}/{repo}", "branch", "--", branch])
