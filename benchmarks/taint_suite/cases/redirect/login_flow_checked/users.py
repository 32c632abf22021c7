def check_password(email, password):
    return email if password else None
