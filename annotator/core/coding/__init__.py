"""The codebook and what analysts code with it: annotations, attributes, memos, words and spans, counts."""
