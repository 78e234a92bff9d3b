"""The bundled seed corpus: five real web articles, shipped unchanged as package data."""
