import ast


class FormulaService:
    def __init__(self):
        self.formula = "0"

    def remember(self, formula):
        self.formula = formula

    def evaluate(self, variables):
        return ast.literal_eval(self.formula) if variables else None  # safe: code
