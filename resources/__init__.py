"""Bundled data files: the default codebook and icons, loaded through importlib.resources."""
