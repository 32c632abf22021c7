def where_equals(column, value):
    return f"WHERE {column} = '{value}'"
