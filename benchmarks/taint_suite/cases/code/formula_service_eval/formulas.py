class FormulaService:
    def __init__(self):
        self.formula = "0"

    def remember(self, formula):
        self.formula = formula

    def evaluate(self, variables):
        return eval(self.formula, {"__builtins__": {}}, variables)  # vuln: code
