print("aprouter")
