from .shell import run_shell


class GitRunner:
    def __init__(self, root):
        self.root = root

    def create_branch(self, repo, branch):
        return run_shell(f"git -C {self.root}/{repo} branch {branch}")
