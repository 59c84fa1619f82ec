EN: dict[str, str] = {}
