"""File › Export and importing REFI-QDA files."""
